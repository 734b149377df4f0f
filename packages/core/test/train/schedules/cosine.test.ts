import { describe, expect, it } from 'vitest';
import { cosineSchedule } from '../../../src/train/schedules/cosine';
import { expectClose, issueCodes, torchReference, unwrap } from '../helpers';

describe('cosine', () => {
  it('reaches etaMin at tMax and the base rate again at 2·tMax, the midpoint halfway', () => {
    const lr = unwrap(cosineSchedule.create({ tMax: 50, etaMin: 1e-5 }, 1e-3));
    expect(lr(0)).toBeCloseTo(1e-3, 18);
    expect(lr(25)).toBeCloseTo((1e-3 + 1e-5) / 2, 18);
    expect(lr(50)).toBe(1e-5);
    expect(lr(100)).toBeCloseTo(1e-3, 18);
    expect(lr(150)).toBe(1e-5);
  });

  it('matches PyTorch’s CosineAnnealingLR, including the cycling past tMax (reference cosinelr_10/50_1e-5)', () => {
    for (const [key, tMax] of [['cosine_10_1e-5', 10], ['cosine_50_1e-5', 50]] as const) {
      const lr = unwrap(cosineSchedule.create({ tMax, etaMin: 1e-5 }, 1e-3));
      // PyTorch steps recursively; its chain drifts from the closed form by rounding only.
      expectClose(torchReference[key].map((_, e) => lr(e)), torchReference[key], 1e-11);
    }
  });

  it('defaults etaMin to 0 and checks its options', () => {
    expect(unwrap(cosineSchedule.create({ tMax: 4 }, 2))(4)).toBe(0);
    expect(issueCodes(cosineSchedule.create({ etaMin: -1 }, 1))).toEqual(['missing-option@options.tMax', 'invalid-option@options.etaMin']);
    expect(issueCodes(cosineSchedule.create({ tMax: 0 }, 1))).toEqual(['invalid-option@options.tMax']);
  });
});
