import { BranchTester } from '@kirchhoff/core/testing';
import { softDiode } from '../src/soft-diode';

// The same conformance suite the built-in branches run, called from the plugin's own tests.
BranchTester.run('soft-diode', softDiode, {
  valid: [
    { vs: 0.3, vd: 0, theta: [2, 0.3, 0.05], current: 2 * 0.05 * Math.log(2) },
    { vs: 1.3, vd: 0, theta: [2, 0.3, 0.05], current: 2 * 0.05 * (20 + Math.log1p(Math.exp(-20))) },
  ],
  invalid: [
    {
      description: 'a law that reads an undeclared parameter',
      definition: { ...softDiode, current: 'is * vt * softplus((vs - vd - vof) / vt)' },
      code: 'unknown-symbol',
    },
  ],
});
