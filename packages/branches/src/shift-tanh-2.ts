import { defineBranch } from '@kirchhoff/core';
import { gainBiasParams } from './original-params';

export const shiftTanh2 = defineBranch({
  name: 'shift-tanh-2',
  aliases: ['ShiftTanh2'],
  meta: {
    description: 'tanh(θ₀·vs + θ₁·vd + θ₂): a voltage-controlled source (original ShiftTanh2)',
    params: gainBiasParams,
    kind: 'controlled',
    init: 'kaiming-normal',
    docsUrl: 'packages/branches/docs/shift-tanh-2.md',
  },
  current: 'tanh(theta0 * vs + theta1 * vd + theta2)',
});
