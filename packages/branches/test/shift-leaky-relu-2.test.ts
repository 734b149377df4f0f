import { BranchTester } from '@kirchhoff/core/testing';
import { shiftLeakyRelu2 } from '../src/shift-leaky-relu-2';

BranchTester.run('shift-leaky-relu-2', shiftLeakyRelu2, {
  valid: [
    { vs: 1, vd: 2, theta: [0.5, 0.25, -0.5], current: 0.5 },
    { vs: 1, vd: 2, theta: [-0.5, 0.25, -0.5], current: -0.005 },
  ],
});
