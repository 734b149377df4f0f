import { BranchTester } from '@kirchhoff/core/testing';
import { shiftRelu2 } from '../src/shift-relu-2';

BranchTester.run('shift-relu-2', shiftRelu2, {
  valid: [
    { vs: 1, vd: 2, theta: [0.5, 0.25, -0.5], current: 0.5 },
    { vs: 1, vd: 2, theta: [-0.5, 0.25, -0.5], current: 0 },
  ],
});
