import * as E from 'fp-ts/Either';
import { expect } from 'vitest';
import type { Issue } from '../../src/errors';
import type { Optimizer, OptimizerInstance } from '../../src/train/optimizers/optimizer';
import reference from './fixtures/pytorch-reference.json';

/** Values computed with PyTorch by fixtures/pytorch-reference.py. */
export const torchReference = reference;

/** The start point and gradient of the runs in fixtures/pytorch-reference.py. */
export const P0 = [0.5, -1.5, 2.0] as const;

export function referenceGrad(p: ArrayLike<number>, out: Float64Array): Float64Array {
  out[0] = 3 * p[0] - 1;
  out[1] = 0.5 * p[1] + 2;
  out[2] = p[2] * p[2] * p[2] - 0.1;
  return out;
}

/** The learning rate per step when a reference run varies it: 0.1·0.9^k, as the fixture computes it. */
export const decayingLrs = [0, 1, 2, 3, 4].map((k) => 0.1 * 0.9 ** k);

export function unwrap<T>(value: E.Either<Issue[], T>): T {
  if (E.isLeft(value)) throw new Error(value.left.map((i) => `${i.where ?? ''}: ${i.message}`).join('\n'));
  return value.right;
}

export function issueCodes<T>(value: E.Either<Issue[], T>): string[] {
  return E.isLeft(value) ? value.left.map((i) => `${i.code}@${i.where ?? ''}`) : [];
}

/** Replays the fixture's run: `steps` updates of P0 with `lrs[k]` (or 0.1), returning the parameters after each. */
export function replay(optimizer: Optimizer, options: Record<string, unknown>, steps: number, lrs?: readonly number[]): number[][] {
  const instance: OptimizerInstance = unwrap(optimizer.create(options, [3]));
  const p = Float64Array.from(P0);
  const g = new Float64Array(3);
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    instance.step([p], [referenceGrad(p, g)], lrs?.[k] ?? 0.1);
    out.push(Array.from(p));
  }
  return out;
}

/** Element-wise |a − e| ≤ rel·|e| (+ a tiny absolute floor for zeros). */
export function expectClose(actual: readonly number[], expected: readonly number[], rel = 1e-13): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i];
    if (Math.abs(a - e) > rel * Math.abs(e) + 1e-300) {
      throw new Error(`entry ${i}: got ${a}, expected ${e} (relative error ${Math.abs(a - e) / Math.abs(e)})`);
    }
  });
}
