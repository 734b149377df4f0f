import { BranchTester } from '@kirchhoff/core/testing';
import { shockleyDiode } from '../src/shockley-diode';

BranchTester.run('shockley-diode', shockleyDiode, {
  // Physical operating range: |vs − vd| below a volt, realistic saturation currents.
  samplePoint: (rng) => ({
    vs: -0.3 + 1.0 * rng.uniform(),
    vd: -0.3 + 1.0 * rng.uniform(),
    theta: [1e-12 * (1 + rng.uniform()), 1 + rng.uniform(), 0.025852],
  }),
  valid: [{ vs: 0.6, vd: 0, theta: [1e-14, 1, 0.025852], current: 1e-14 * Math.expm1(0.6 / 0.025852), tolerance: 1e-15 }],
});
