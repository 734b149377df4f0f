import { defineBranch } from '@kirchhoff/core';
import { shiftScaleParams } from './original-params';

export const shiftLeakyRelu1 = defineBranch({
  name: 'shift-leaky-relu-1',
  aliases: ['ShiftLeakyRelu1'],
  meta: {
    description: 'θ₁·leaky_relu(vs − vd − θ₀), slope 0.01 (original ShiftLeakyRelu1)',
    params: shiftScaleParams,
    kind: 'delta',
    init: 'kaiming-normal',
    docsUrl: 'packages/branches/docs/shift-leaky-relu-1.md',
  },
  current: 'theta1 * leaky_relu(vs - vd - theta0)',
});
