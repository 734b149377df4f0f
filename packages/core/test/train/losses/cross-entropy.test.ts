import { describe, expect, it } from 'vitest';
import { KirchhoffError } from '../../../src/errors';
import { Rng } from '../../../src/random/rng';
import { crossEntropy } from '../../../src/train/losses/cross-entropy';
import { expectClose, torchReference } from '../helpers';
import { expectGradientMatchesDifferences } from './finite-differences';

const logits = Float64Array.of(1, 2, 0.5, -1, 0, 0, 0, 0, 3, -2, 1, 0.25);
const labels = Float64Array.of(1, 3, 0);

describe('cross-entropy', () => {
  it('gives log(width) for equal logits, with gradient (1/width − [k = y])/batch', () => {
    const grad = new Float64Array(4);
    expect(crossEntropy.evaluate(new Float64Array(4), 1, 4, Float64Array.of(2), grad)).toBeCloseTo(Math.log(4), 15);
    expect(Array.from(grad)).toEqual([0.25, 0.25, -0.75, 0.25]);
  });

  it('matches a hand-computed two-class value: log(1 + e^(z₀ − z₁))', () => {
    expect(crossEntropy.evaluate(Float64Array.of(2, 0.5), 1, 2, Float64Array.of(1), null)).toBeCloseTo(Math.log(1 + Math.exp(1.5)), 15);
  });

  it('matches PyTorch’s cross_entropy, value and gradient', () => {
    const grad = new Float64Array(12);
    const value = crossEntropy.evaluate(logits, 3, 4, labels, grad);
    expectClose([value], [torchReference.ce.loss], 1e-15);
    expectClose(Array.from(grad), torchReference.ce.grad, 1e-14);
  });

  it('stays finite and exact for logits of ±1000', () => {
    const big = Float64Array.of(1000, -1000, 999, -1000, -1000, 1000);
    const grad = new Float64Array(6);
    const value = crossEntropy.evaluate(big, 2, 3, Float64Array.of(2, 0), grad);
    // Sample 0: log(1 + e^−1 + e^−2000) + 1; sample 1: 2000 + log(1 + 2e^−2000).
    expect(value).toBeCloseTo((Math.log(1 + Math.exp(-1)) + 1 + 2000) / 2, 12);
    expectClose([value], [torchReference.ce_big.loss], 1e-15);
    expect(grad.every(Number.isFinite)).toBe(true);
    expectClose(Array.from(grad), torchReference.ce_big.grad, 1e-14);
  });

  it('has the gradient of its value (central differences)', () => {
    const rng = new Rng(3);
    const outputs = Float64Array.from({ length: 5 * 7 }, () => 3 * rng.normal());
    const targets = Float64Array.from({ length: 5 }, () => rng.below(7));
    expectGradientMatchesDifferences(crossEntropy, outputs, 5, 7, targets, 1e-8);
  });

  it('gives the same value without a gradient buffer, and may write the gradient over the logits', () => {
    const copy = Float64Array.from(logits);
    const grad = new Float64Array(12);
    const withGrad = crossEntropy.evaluate(logits, 3, 4, labels, grad);
    expect(crossEntropy.evaluate(logits, 3, 4, labels, null)).toBe(withGrad);
    expect(crossEntropy.evaluate(copy, 3, 4, labels, copy)).toBe(withGrad);
    expect(Array.from(copy)).toEqual(Array.from(grad));
  });

  it('rejects labels that are not class indices and mismatched shapes', () => {
    const code = (f: () => void) => {
      try {
        f();
      } catch (e) {
        return (e as KirchhoffError).code;
      }
      return 'no error';
    };
    for (const bad of [4, -1, 1.5, Number.NaN]) {
      expect(code(() => crossEntropy.evaluate(logits, 3, 4, Float64Array.of(0, bad, 0), null))).toBe('invalid-label');
    }
    expect(code(() => crossEntropy.evaluate(logits, 3, 4, Float64Array.of(0, 1), null))).toBe('loss-shape-mismatch');
    expect(code(() => crossEntropy.evaluate(logits, 4, 3, Float64Array.of(0, 1, 2, 0), null))).toBe('no error');
    expect(code(() => crossEntropy.evaluate(logits, 2, 4, labels, null))).toBe('loss-shape-mismatch');
    expect(code(() => crossEntropy.evaluate(logits, 3, 4, labels, new Float64Array(3)))).toBe('loss-shape-mismatch');
    expect(code(() => crossEntropy.evaluate(new Float64Array(0), 0, 4, new Float64Array(0), null))).toBe('loss-shape-mismatch');
  });
});
