import { describe, expect, it } from 'vitest';
import { KirchhoffError } from '../../../src/errors';
import { constantSchedule } from '../../../src/train/schedules/constant';
import { issueCodes, unwrap } from '../helpers';

describe('constant', () => {
  it('returns the base rate at every epoch', () => {
    const lr = unwrap(constantSchedule.create(undefined, 1e-4));
    expect([0, 1, 7.5, 1e6].map(lr)).toEqual([1e-4, 1e-4, 1e-4, 1e-4]);
  });

  it('has no options and rejects a bad base rate', () => {
    expect(issueCodes(constantSchedule.create({ tMax: 3 }, Number.NaN))).toEqual(['invalid-base-lr@baseLr', 'unknown-option@options.tMax']);
  });

  it('throws invalid-epoch for a negative or non-finite epoch', () => {
    const lr = unwrap(constantSchedule.create({}, 1));
    for (const epoch of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => lr(epoch)).toThrow(KirchhoffError);
      try {
        lr(epoch);
      } catch (e) {
        expect((e as KirchhoffError).code).toBe('invalid-epoch');
      }
    }
  });
});
