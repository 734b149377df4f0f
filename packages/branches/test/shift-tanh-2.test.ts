import { BranchTester } from '@kirchhoff/core/testing';
import { shiftTanh2 } from '../src/shift-tanh-2';

BranchTester.run('shift-tanh-2', shiftTanh2, {
  valid: [{ vs: 0.7, vd: 0.2, theta: [0.5, -1, 0.25], current: Math.tanh(0.35 - 0.2 + 0.25) }],
});
