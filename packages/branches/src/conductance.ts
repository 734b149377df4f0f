import { defineBranch } from '@kirchhoff/core';

/**
 * A linear conductance. Unlike the original's `Conductance` class (which carries two unused rows), it
 * has a single parameter, so it is not aliased to that name.
 */
export const conductance = defineBranch({
  name: 'conductance',
  meta: {
    description: 'g·(vs − vd): a linear resistor of conductance g (may be negative)',
    params: [{ name: 'g', description: 'conductance (S)' }],
    kind: 'delta',
    init: 'kaiming-normal',
    docsUrl: 'packages/branches/docs/conductance.md',
  },
  current: 'g * (vs - vd)',
});
