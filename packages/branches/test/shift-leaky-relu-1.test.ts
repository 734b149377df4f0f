import { BranchTester } from '@kirchhoff/core/testing';
import { shiftLeakyRelu1 } from '../src/shift-leaky-relu-1';

BranchTester.run('shift-leaky-relu-1', shiftLeakyRelu1, {
  valid: [
    { vs: 1, vd: 0.25, theta: [0.5, 2], current: 0.5 },
    { vs: 0, vd: 1.5, theta: [0.5, 2], current: 2 * 0.01 * -2 }, // slope 0.01 below the knee
  ],
});
