import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { BranchTester } from '@kirchhoff/core/testing';
import { polynomial } from '../src/polynomial';

const cubic = polynomial.create({ degree: 3 });
if (E.isLeft(cubic)) throw new Error('polynomial family rejected degree 3');

BranchTester.run('polynomial-3', cubic.right, {
  valid: [{ vs: 2, vd: 0.5, theta: [0.5, 1, -2, 0.25], current: 0.5 + 1.5 - 2 * 2.25 + 0.25 * 3.375 }],
});

describe('polynomial family', () => {
  it('produces one type per degree', () => {
    const quintic = polynomial.create({ degree: 5 });
    expect(E.isRight(quintic) && quintic.right.name).toBe('polynomial-5');
    expect(E.isRight(quintic) && quintic.right.meta.params.map((p) => p.name)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
  });

  it('rejects a degree that is not a whole number in range', () => {
    for (const degree of [0, 2.5, 21]) {
      const result = polynomial.create({ degree });
      expect(E.isLeft(result) && result.left[0].code).toBe('invalid-option');
    }
  });
});
