import { defineBranch } from '@kirchhoff/core';
import { K_OVER_Q } from './thermal';

const V = '(vs - vd)';

/**
 * The three-term tunnel-diode model (fREEDA `diodetun`; Bowyer & Huckaby 2003; Kriplani et al. 2011):
 * a tunnelling hump that peaks at (vp, ip), an excess current that fills the valley, and the ordinary
 * diode current that takes over at high bias. With the defaults: peak 0.100 V / 1.000 mA, valley
 * 0.462 V / 0.156 mA, steepest NDR −3.68 mS at 0.200 V (docs/tunnel-diode.md).
 */
export const tunnelDiode = defineBranch({
  name: 'tunnel-diode',
  meta: {
    description: 'ip·(V/vp)·exp(1 − V/vp) + iv·exp(a2·(V − vv)) + is·(exp(V/(kT/q)) − 1), V = vs − vd: a three-term NDR tunnel diode',
    params: [
      { name: 'ip', init: 1e-3, bounds: [0, 1], description: 'peak (tunnelling) current (A)' },
      { name: 'vp', init: 0.1, bounds: [0.01, 2], description: 'peak voltage (V)' },
      { name: 'iv', init: 1e-4, bounds: [0, 1], description: 'excess-current scale: the excess current at V = vv (A)' },
      { name: 'vv', init: 0.5, bounds: [0.05, 5], description: 'excess-current reference voltage (V), near the valley' },
      { name: 'a2', init: 30, bounds: [0, 1000], description: 'excess-current exponent (1/V)' },
      { name: 'is', init: 1e-16, bounds: [0, 1e-3], description: 'diode saturation current (A)' },
      { name: 'temp', init: 300, trainable: false, bounds: [1, 1000], description: 'temperature T (K); kT/q = 8.617333262e-5·T' },
    ],
    kind: 'delta',
    docsUrl: 'packages/branches/docs/tunnel-diode.md',
  },
  // expm1 keeps the diode term accurate near 0 V, where exp(x) − 1 cancels.
  current: `ip * (${V} / vp) * exp(1 - ${V} / vp) + iv * exp(a2 * (${V} - vv)) + is * expm1(${V} / (${K_OVER_Q} * temp))`,
});
