import { defineBranch } from '@kirchhoff/core';
import { gainBiasParams } from './original-params';

export const shiftRelu2 = defineBranch({
  name: 'shift-relu-2',
  aliases: ['ShiftRelu2'],
  meta: {
    description: 'relu(θ₀·vs + θ₁·vd + θ₂): a voltage-controlled source (original ShiftRelu2)',
    params: gainBiasParams,
    kind: 'controlled',
    init: 'kaiming-normal',
    docsUrl: 'packages/branches/docs/shift-relu-2.md',
  },
  current: 'relu(theta0 * vs + theta1 * vd + theta2)',
});
