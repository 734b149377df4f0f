import { defineBranch } from '@kirchhoff/core';

export const shiftRelu2 = defineBranch({
  name: 'shift-relu-2',
  aliases: ['ShiftRelu2'],
  meta: {
    description: 'relu(θ₀·vs + θ₁·vd + θ₂): a voltage-controlled source (original ShiftRelu2)',
    params: [
      { name: 'theta0', description: 'source-voltage gain' },
      { name: 'theta1', description: 'destination-voltage gain' },
      { name: 'theta2', description: 'bias' },
    ],
    kind: 'controlled',
    init: 'kaiming-normal',
    docsUrl: 'packages/branches/docs/shift-relu-2.md',
  },
  current: 'relu(theta0 * vs + theta1 * vd + theta2)',
});
