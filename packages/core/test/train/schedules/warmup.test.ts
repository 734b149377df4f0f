import { describe, expect, it } from 'vitest';
import { constantSchedule } from '../../../src/train/schedules/constant';
import { cosineSchedule } from '../../../src/train/schedules/cosine';
import { defineLrSchedule } from '../../../src/train/schedules/schedule';
import { withWarmup } from '../../../src/train/schedules/warmup';
import { expectClose, issueCodes, torchReference, unwrap } from '../helpers';

describe('withWarmup', () => {
  const warmCosine = withWarmup(cosineSchedule);

  it('is a schedule plugin with the inner options plus its own', () => {
    expect(warmCosine.name).toBe('warmup-cosine');
    expect(Object.keys(warmCosine.meta.options)).toEqual(['tMax', 'etaMin', 'warmupEpochs', 'warmupStartFactor']);
  });

  it('ramps linearly from startFactor to 1 over warmupEpochs, then leaves the inner rate alone', () => {
    const lr = unwrap(withWarmup(constantSchedule).create({ warmupEpochs: 4, warmupStartFactor: 0.2 }, 1));
    expectClose([0, 1, 2, 3, 4, 5, 100].map(lr), [0.2, 0.4, 0.6, 0.8, 1, 1, 1], 1e-15);
  });

  it('matches PyTorch’s ChainedScheduler([LinearLR(0.25, total_iters=4), CosineAnnealingLR(10)])', () => {
    const lr = unwrap(warmCosine.create({ tMax: 10, warmupEpochs: 4, warmupStartFactor: 0.25 }, 1e-2));
    const expected = torchReference.linear_warmup_then_cos;
    expectClose(expected.map((_, e) => lr(e)), expected, 1e-12);
  });

  it('collects the problems of both halves, and the default start factor is PyTorch’s 1/3', () => {
    expect(issueCodes(warmCosine.create({ warmupStartFactor: 0, foo: 1 }, 1))).toEqual([
      'unknown-option@options.foo',
      'missing-option@options.tMax',
      'missing-option@options.warmupEpochs',
      'invalid-option@options.warmupStartFactor',
    ]);
    expect(unwrap(withWarmup(constantSchedule).create({ warmupEpochs: 2 }, 3))(0)).toBe(1);
  });

  it('refuses to wrap a schedule that already has a warmup option', () => {
    const clashing = defineLrSchedule({
      name: 'clash',
      meta: { description: 'x', reference: 'x', options: { warmupEpochs: { type: 'integer', description: 'x', default: 1 } } },
      lr: (_o, base) => () => base,
    });
    expect(() => withWarmup(clashing)).toThrow(/already has option\(s\) warmupEpochs/);
  });
});
