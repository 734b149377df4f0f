import { defineBranch } from '@kirchhoff/core';
import { K_OVER_Q } from './thermal';

const V = '(vs - vd)';
const VT = `(${K_OVER_Q} * temp)`;

/**
 * The Schulman resonant-tunnelling-diode model (Schulman, De Los Santos & Chow, IEEE EDL 17(5):220,
 * 1996), with KANalogue's parameter set as defaults: peak 2.164 V / 69.8 mA, valley 3.364 V / 26.5 mA.
 *
 * The paper's a·ln[(1 + e^{x₁}) / (1 + e^{x₂})] is written softplus(x₁) − softplus(x₂): the same value,
 * but e^{x} never overflows for large x (x₁ reaches ~30 at 10 V and grows with 1/T).
 */
export const schulmanRtd = defineBranch({
  name: 'schulman-rtd',
  meta: {
    description:
      'a·ln[(1 + e^((b − c + n1·V)/(kT/q))) / (1 + e^((b − c − n1·V)/(kT/q)))]·(π/2 + atan((c − n1·V)/d)) + h·(e^(n2·V/(kT/q)) − 1), V = vs − vd: resonant-tunnelling diode',
    params: [
      { name: 'a', init: 3.9e-3, bounds: [0, 1], description: 'resonant-current scale (A)' },
      { name: 'b', init: 0.5, bounds: [0, 2], description: 'Fermi-level offset of the emitter (V)' },
      { name: 'c', init: 0.0874, bounds: [0, 1], description: 'resonance energy (V)' },
      { name: 'd', init: 0.0073, bounds: [1e-4, 0.5], description: 'resonance width (V)' },
      { name: 'n1', init: 0.0352, bounds: [1e-3, 1], description: 'fraction of V that shifts the resonance' },
      { name: 'n2', init: 0.0031, bounds: [0, 1], description: 'fraction of V driving the non-resonant (diode) current' },
      { name: 'h', init: 0.0367, bounds: [0, 1], description: 'non-resonant current scale (A)' },
      { name: 'temp', init: 300, trainable: false, bounds: [1, 1000], description: 'temperature T (K); kT/q = 8.617333262e-5·T' },
    ],
    kind: 'delta',
    docsUrl: 'packages/branches/docs/schulman-rtd.md',
  },
  current:
    `a * (softplus((b - c + n1 * ${V}) / ${VT}) - softplus((b - c - n1 * ${V}) / ${VT}))` +
    ` * (pi / 2 + atan((c - n1 * ${V}) / d)) + h * expm1(n2 * ${V} / ${VT})`,
});
