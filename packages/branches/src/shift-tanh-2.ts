import { defineBranch } from '@kirchhoff/core';

export const shiftTanh2 = defineBranch({
  name: 'shift-tanh-2',
  aliases: ['ShiftTanh2'],
  meta: {
    description: 'tanh(θ₀·vs + θ₁·vd + θ₂): a voltage-controlled source (original ShiftTanh2)',
    params: [
      { name: 'theta0', description: 'source-voltage gain' },
      { name: 'theta1', description: 'destination-voltage gain' },
      { name: 'theta2', description: 'bias' },
    ],
    kind: 'controlled',
    init: 'kaiming-normal',
    docsUrl: 'packages/branches/docs/shift-tanh-2.md',
  },
  current: 'tanh(theta0 * vs + theta1 * vd + theta2)',
});
