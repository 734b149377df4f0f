import * as E from 'fp-ts/Either';
import { KirchhoffError, type Issue } from '../../errors';
import { resolveOptions, type TrainingOptionSchema } from '../optimizers/options';
import type { LrSchedule } from './schedule';

const warmupOptions = {
  warmupEpochs: { type: 'integer', description: 'epochs over which the factor ramps up to 1', min: 1 },
  warmupStartFactor: {
    type: 'number',
    description: 'factor at epoch 0 (PyTorch LinearLR start_factor)',
    min: 0,
    exclusiveMin: true,
    max: 1,
    default: 1 / 3,
  },
} as const;

/**
 * Wraps a schedule in a linear warmup, like diffrax's wrappers: the result is a schedule plugin
 * `warmup-<id>` with the inner options plus `warmupEpochs` and `warmupStartFactor`. The rate is the
 * inner rate times s + (1 − s)·min(epoch, W)/W, the closed form of PyTorch's
 * ChainedScheduler([LinearLR(start_factor=s, total_iters=W), inner]); the inner schedule is not delayed.
 */
export function withWarmup(inner: LrSchedule): LrSchedule {
  const clash = Object.keys(warmupOptions).filter((key) => Object.hasOwn(inner.meta.options, key));
  if (clash.length > 0) {
    throw new KirchhoffError('duplicate-option', `schedule '${inner.name}' already has option(s) ${clash.join(', ')}`);
  }
  const options: TrainingOptionSchema = { ...inner.meta.options, ...warmupOptions };
  return {
    name: `warmup-${inner.name}`,
    meta: {
      description: `linear warmup, then ${inner.meta.description}`,
      options,
      reference: `torch.optim.lr_scheduler.ChainedScheduler([LinearLR, ${inner.meta.reference}])`,
    },
    create(given, baseLr, where = 'options') {
      // Split the options so that each half is checked by its own schema and unknown keys still surface.
      const innerGiven: Record<string, unknown> = {};
      const warmupGiven: Record<string, unknown> = {};
      const isObject = typeof given === 'object' && given !== null && !Array.isArray(given);
      if (isObject) {
        for (const [key, value] of Object.entries(given)) {
          (Object.hasOwn(warmupOptions, key) ? warmupGiven : innerGiven)[key] = value;
        }
      }
      const innerLr = inner.create(isObject ? innerGiven : given, baseLr, where);
      const warmup = resolveOptions(warmupOptions, warmupGiven, where);
      if (E.isLeft(innerLr) || E.isLeft(warmup)) {
        const issues: Issue[] = [...(E.isLeft(innerLr) ? innerLr.left : []), ...(E.isLeft(warmup) ? warmup.left : [])];
        return E.left(issues);
      }
      const lr = innerLr.right;
      const { warmupEpochs: w, warmupStartFactor: s } = warmup.right;
      return E.right((epoch: number) => lr(epoch) * (s + ((1 - s) * Math.min(w, epoch)) / w));
    },
  };
}
