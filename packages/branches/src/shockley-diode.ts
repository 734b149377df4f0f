import { defineBranch } from '@kirchhoff/core';

/**
 * The ideal-diode (Shockley) equation. The exponential is not limited: a forward bias of many n·V_T
 * overflows, as in any simulator without junction limiting, so keep inputs in a physical range.
 */
export const shockleyDiode = defineBranch({
  name: 'shockley-diode',
  aliases: ['diode'],
  meta: {
    description: 'is·(exp((vs − vd)/(n·vt)) − 1): a pn-junction diode, anode at the source',
    params: [
      { name: 'is', init: 1e-12, bounds: [0, 1], description: 'saturation current (A)' },
      { name: 'n', init: 1, bounds: [0.5, 3], description: 'ideality factor' },
      { name: 'vt', init: 0.025852, trainable: false, description: 'thermal voltage kT/q at 300 K (V)' },
    ],
    kind: 'delta',
    docsUrl: 'packages/branches/docs/shockley-diode.md',
  },
  current: 'is * (exp((vs - vd) / (n * vt)) - 1)',
});
