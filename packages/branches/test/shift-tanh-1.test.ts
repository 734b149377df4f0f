import { BranchTester } from '@kirchhoff/core/testing';
import { shiftTanh1 } from '../src/shift-tanh-1';

BranchTester.run('shift-tanh-1', shiftTanh1, {
  valid: [{ vs: 0.7, vd: 0.2, theta: [0.1, 2, 99], current: Math.tanh(2 * 0.5 + 0.1) }],
});
