import { describe, expect, it } from 'vitest';
import type { KirchhoffError } from '../../../src/errors';
import { Rng } from '../../../src/random/rng';
import { mse } from '../../../src/train/losses/mse';
import { expectClose, torchReference } from '../helpers';
import { expectGradientMatchesDifferences } from './finite-differences';

describe('mse', () => {
  const outputs = Float64Array.of(0.5, -1, 2, 1.5, 0, -0.25);
  const targets = Float64Array.of(0, -1.5, 1, 1, 1, 0);

  it('averages over batch × outputs: hand-computed (0.25 + 0.25 + 1 + 0.25 + 1 + 0.0625)/6', () => {
    const grad = new Float64Array(6);
    expect(mse.evaluate(outputs, 2, 3, targets, grad)).toBe(2.8125 / 6);
    expectClose(Array.from(grad), [1, 1, 2, 1, -2, -0.5].map((d) => d / 6), 1e-15);
  });

  it('matches PyTorch’s mse_loss, value and gradient', () => {
    const grad = new Float64Array(6);
    expectClose([mse.evaluate(outputs, 2, 3, targets, grad)], [torchReference.mse.loss], 1e-15);
    expectClose(Array.from(grad), torchReference.mse.grad, 1e-15);
  });

  it('has the gradient of its value (central differences)', () => {
    const rng = new Rng(5);
    const o = Float64Array.from({ length: 12 }, () => rng.normal());
    const t = Float64Array.from({ length: 12 }, () => rng.normal());
    expectGradientMatchesDifferences(mse, o, 4, 3, t, 1e-8);
  });

  it('needs one target per output', () => {
    try {
      mse.evaluate(outputs, 2, 3, Float64Array.of(1, 2), null);
      expect.unreachable();
    } catch (e) {
      expect((e as KirchhoffError).code).toBe('loss-shape-mismatch');
    }
  });
});
