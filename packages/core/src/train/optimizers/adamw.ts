import { defineAdamVariant } from './adam-family';

/**
 * AdamW (Loshchilov & Hutter, 2019) as torch.optim.AdamW: decoupled decay p ← p − lr·λ·p before the
 * Adam update, λ = 0.01 by default. KirchhoffNet trains with it at PyTorch's defaults (reference §8).
 */
export const adamw = defineAdamVariant({
  name: 'adamw',
  description: 'Adam with decoupled weight decay (torch.optim.AdamW, non-amsgrad; weightDecay 0.01 by default)',
  reference: 'Loshchilov & Hutter 2019; torch.optim.AdamW, _single_tensor_adam with decoupled weight decay',
  decoupled: true,
  defaultWeightDecay: 0.01,
});
