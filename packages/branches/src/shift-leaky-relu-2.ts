import { defineBranch } from '@kirchhoff/core';

export const shiftLeakyRelu2 = defineBranch({
  name: 'shift-leaky-relu-2',
  aliases: ['ShiftLeakyRelu2'],
  meta: {
    description: 'leaky_relu(θ₀·vs + θ₁·vd + θ₂), slope 0.01 (original ShiftLeakyRelu2)',
    params: [
      { name: 'theta0', description: 'source-voltage gain' },
      { name: 'theta1', description: 'destination-voltage gain' },
      { name: 'theta2', description: 'bias' },
    ],
    kind: 'controlled',
    init: 'kaiming-normal',
    docsUrl: 'packages/branches/docs/shift-leaky-relu-2.md',
  },
  current: 'leaky_relu(theta0 * vs + theta1 * vd + theta2)',
});
