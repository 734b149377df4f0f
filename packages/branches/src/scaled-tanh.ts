import { defineBranch } from '@kirchhoff/core';

export const scaledTanh = defineBranch({
  name: 'scaled-tanh',
  meta: {
    description: 'gain·tanh(scale·(vs − vd) + offset): a saturating two-terminal device with free scale, gain and offset',
    params: [
      { name: 'gain', init: 1, description: 'saturation current (A)' },
      { name: 'scale', init: 1, description: 'input scale (1/V)' },
      { name: 'offset', init: 0, description: 'offset (dimensionless)' },
    ],
    kind: 'delta',
    init: 'kaiming-normal',
    docsUrl: 'packages/branches/docs/scaled-tanh.md',
  },
  current: 'gain * tanh(scale * (vs - vd) + offset)',
});
