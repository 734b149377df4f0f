import { defineAdamVariant } from './adam-family';

/** Adam (Kingma & Ba, 2015) with L2 weight decay added to the gradient, as torch.optim.Adam (default λ = 0). */
export const adam = defineAdamVariant({
  name: 'adam',
  description: 'Adam with bias correction and L2 weight decay (torch.optim.Adam, non-amsgrad)',
  reference: 'Kingma & Ba 2015; torch.optim.Adam, _single_tensor_adam',
  decoupled: false,
  defaultWeightDecay: 0,
});
