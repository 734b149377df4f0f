import { defineLrSchedule } from './schedule';

const options = {
  stepSize: { type: 'integer', description: 'epochs between decays', min: 1 },
  gamma: { type: 'number', description: 'multiplicative decay per stepSize epochs', min: 0, default: 0.1 },
} as const;

/**
 * StepLR(step_size, gamma) in closed form, lr = base·γ^⌊epoch/stepSize⌋ (PyTorch's
 * `_get_closed_form_lr`). PyTorch's chained `step()` multiplies by γ instead, which may differ in the
 * last bit after several decays. The reference's `steplr_a_b` is `{ stepSize: a, gamma: b }`.
 */
export const stepSchedule = defineLrSchedule({
  name: 'step',
  meta: {
    description: 'multiply the rate by gamma every stepSize epochs (StepLR)',
    options,
    reference: 'torch.optim.lr_scheduler.StepLR',
  },
  lr: ({ stepSize, gamma }, baseLr) => (epoch) => baseLr * gamma ** Math.floor(epoch / stepSize),
});
