import { defineLrSchedule } from './schedule';

const options = {
  tMax: { type: 'integer', description: 'epochs from the base rate down to etaMin (half a period)', min: 1 },
  etaMin: { type: 'number', description: 'the lowest rate', min: 0, default: 0 },
} as const;

/**
 * CosineAnnealingLR(T_max, eta_min) in closed form, lr = etaMin + (base − etaMin)(1 + cos(π·epoch/tMax))/2.
 * Past tMax it climbs back to the base rate and keeps cycling with period 2·tMax, as PyTorch's chained
 * form does (no warm restart). The reference's `cosinelr_a_b` is `{ tMax: a, etaMin: b }`.
 */
export const cosineSchedule = defineLrSchedule({
  name: 'cosine',
  meta: {
    description: 'cosine annealing from the base rate to etaMin over tMax epochs, cycling (CosineAnnealingLR)',
    options,
    reference: 'torch.optim.lr_scheduler.CosineAnnealingLR (Loshchilov & Hutter 2017, without restarts)',
  },
  lr: ({ tMax, etaMin }, baseLr) => (epoch) => etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * epoch) / tMax))) / 2,
});
