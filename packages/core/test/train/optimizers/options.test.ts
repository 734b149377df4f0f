import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../../src/train/optimizers/options';
import { issueCodes } from '../helpers';

const schema = {
  rate: { type: 'number', description: 'a rate', min: 0, exclusiveMin: true, default: 0.5 },
  count: { type: 'integer', description: 'a count', min: 1 },
  flag: { type: 'boolean', description: 'a flag', default: false },
  betas: { type: 'pair', description: 'two rates', min: 0, max: 1, exclusiveMax: true, default: [0.9, 0.999] as const },
} as const;

describe('resolveOptions', () => {
  it('fills in defaults and keeps given values', () => {
    const resolved = resolveOptions(schema, { count: 3, flag: true }, 'o');
    expect(resolved).toEqual(E.right({ rate: 0.5, count: 3, flag: true, betas: [0.9, 0.999] }));
  });

  it('collects every problem with its path', () => {
    const result = resolveOptions(schema, { rate: 0, flag: 1, betas: [1, Number.POSITIVE_INFINITY], extra: 2 }, 'train.optimizer');
    expect(issueCodes(result)).toEqual([
      'unknown-option@train.optimizer.extra',
      'invalid-option@train.optimizer.rate',
      'missing-option@train.optimizer.count',
      'invalid-option@train.optimizer.flag',
      'invalid-option@train.optimizer.betas',
    ]);
    const messages = E.isLeft(result) ? result.left.map((i) => i.message) : [];
    expect(messages[4]).toBe('element 0: must be < 1, got 1; element 1: expected a finite number, got Infinity');
    expect(messages[0]).toContain('allowed: rate, count, flag, betas');
  });

  it('rejects options that are not an object, and treats null and undefined as none', () => {
    expect(issueCodes(resolveOptions(schema, [1], 'o'))).toEqual(['invalid-options@o']);
    expect(issueCodes(resolveOptions(schema, 'fast', 'o'))).toEqual(['invalid-options@o']);
    expect(issueCodes(resolveOptions(schema, null, 'o'))).toEqual(['missing-option@o.count']);
    expect(issueCodes(resolveOptions({}, undefined, 'o'))).toEqual([]);
  });

  it('does not take inherited keys for options', () => {
    const given = Object.create({ count: 2 }) as Record<string, unknown>;
    expect(issueCodes(resolveOptions(schema, given, 'o'))).toEqual(['missing-option@o.count']);
  });
});
