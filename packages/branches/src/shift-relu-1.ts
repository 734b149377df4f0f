import { defineBranch } from '@kirchhoff/core';
import { shiftScaleParams } from './original-params';

/** The original KirchhoffNet MNIST device: a shifted ReLU with the scale outside, so either sign. */
export const shiftRelu1 = defineBranch({
  name: 'shift-relu-1',
  aliases: ['ShiftRelu1'],
  meta: {
    description: 'θ₁·relu(vs − vd − θ₀): shift θ₀, signed scale θ₁ (original ShiftRelu1)',
    params: shiftScaleParams,
    kind: 'delta',
    init: 'kaiming-normal',
    docsUrl: 'packages/branches/docs/shift-relu-1.md',
  },
  current: 'theta1 * relu(vs - vd - theta0)',
});
