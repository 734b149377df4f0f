import { BranchTester } from '@kirchhoff/core/testing';
import { scaledTanh } from '../src/scaled-tanh';

BranchTester.run('scaled-tanh', scaledTanh, {
  valid: [{ vs: 1, vd: 0, theta: [2, 0.5, 0.1], current: 2 * Math.tanh(0.6) }],
});
