import { defineBranch } from '@kirchhoff/core';

/** θ₂ is never read but is part of the original's (3, E) parameter layout, so checkpoints map 1:1. */
export const shiftTanh1 = defineBranch({
  name: 'shift-tanh-1',
  aliases: ['ShiftTanh1'],
  meta: {
    description: 'tanh(θ₁·(vs − vd) + θ₀); θ₂ unused (original ShiftTanh1)',
    params: [
      { name: 'theta0', description: 'offset' },
      { name: 'theta1', description: 'gain (S before saturation)' },
      { name: 'theta2', unused: true, description: 'unused row kept for the original layout' },
    ],
    kind: 'delta',
    init: 'kaiming-normal',
    docsUrl: 'packages/branches/docs/shift-tanh-1.md',
  },
  current: 'tanh(theta1 * (vs - vd) + theta0)',
});
