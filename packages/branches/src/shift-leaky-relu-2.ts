import { defineBranch } from '@kirchhoff/core';
import { gainBiasParams } from './original-params';

export const shiftLeakyRelu2 = defineBranch({
  name: 'shift-leaky-relu-2',
  aliases: ['ShiftLeakyRelu2'],
  meta: {
    description: 'leaky_relu(θ₀·vs + θ₁·vd + θ₂), slope 0.01 (original ShiftLeakyRelu2)',
    params: gainBiasParams,
    kind: 'controlled',
    init: 'kaiming-normal',
    docsUrl: 'packages/branches/docs/shift-leaky-relu-2.md',
  },
  current: 'leaky_relu(theta0 * vs + theta1 * vd + theta2)',
});
