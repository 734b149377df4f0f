import { defineBranch } from '@kirchhoff/core';

/**
 * A third-party branch type written against @kirchhoff/core's public API only: a smooth diode-like
 * device, I = is·vt·softplus((vs − vd − von)/vt), which conducts above `von` and never overflows.
 */
export const softDiode = defineBranch({
  name: 'soft-diode',
  meta: {
    description: 'is·vt·softplus((vs − vd − von)/vt): a smooth, overflow-free diode-like device',
    params: [
      { name: 'is', init: 1, bounds: [0, 10], description: 'on-state conductance scale (S)' },
      { name: 'von', init: 0.3, bounds: [-1, 1], description: 'turn-on voltage (V)' },
      { name: 'vt', init: 0.05, trainable: false, bounds: [0.01, 0.2], description: 'softness (V)' },
    ],
    kind: 'delta',
  },
  current: 'is * vt * softplus((vs - vd - von) / vt)',
});
