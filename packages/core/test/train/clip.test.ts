import { describe, expect, it } from 'vitest';
import { KirchhoffError } from '../../src/errors';
import { clipGradNorm, clipGradValue } from '../../src/train/clip';
import { expectClose, torchReference } from './helpers';

const codeOf = (f: () => void) => {
  try {
    f();
  } catch (e) {
    return (e as KirchhoffError).code;
  }
  return 'no error';
};

describe('clipGradNorm', () => {
  it('scales by maxNorm/(total + 1e-6) over all tensors together, as clip_grad_norm_', () => {
    // ‖(3, −4, 12)‖ = 13 across two tensors; clipping to 6.5 roughly halves every entry.
    const grads = [Float64Array.of(3, -4), Float64Array.of(12)];
    expect(clipGradNorm(grads, 6.5)).toBe(13);
    const coef = 6.5 / (13 + 1e-6);
    expect([...grads[0], ...grads[1]]).toEqual([3 * coef, -4 * coef, 12 * coef]);
    const torch = torchReference.clip_norm;
    expect(torch.total).toBe(13);
    expectClose([...grads[0], ...grads[1]], [...torch.a, ...torch.b], 1e-15);
  });

  it('leaves gradients under the threshold untouched and still returns their norm', () => {
    const grads = [Float64Array.of(3, -4), Float64Array.of(12), new Float64Array(0)];
    expect(clipGradNorm(grads, 20)).toBe(torchReference.clip_norm_noop.total);
    expect([...grads[0], ...grads[1]]).toEqual([3, -4, 12]);
  });

  it('still scales a norm that equals maxNorm, by a hair under 1, as PyTorch does', () => {
    const grads = [Float64Array.of(3, 4)];
    clipGradNorm(grads, 5);
    expect(grads[0][0]).toBe(3 * (5 / (5 + 1e-6)));
    expect(grads[0][0]).toBeLessThan(3);
  });

  it('passes a non-finite norm on into the gradients rather than hiding it', () => {
    const nan = [Float64Array.of(1, Number.NaN)];
    expect(clipGradNorm(nan, 1)).toBeNaN();
    expect(Number.isNaN(nan[0][0])).toBe(true);
    const inf = [Float64Array.of(1, Number.POSITIVE_INFINITY)];
    expect(clipGradNorm(inf, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(inf[0][0]).toBe(0);
    expect(Number.isNaN(inf[0][1])).toBe(true);
  });

  it('rejects a negative or non-finite threshold', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(codeOf(() => clipGradNorm([Float64Array.of(1)], bad))).toBe('invalid-clip-threshold');
    }
  });
});

describe('clipGradValue', () => {
  it('clamps each entry to [−clipValue, clipValue] and keeps NaN', () => {
    const grads = [Float64Array.of(-3, 0.5, 2, Number.NaN), Float64Array.of(-0.25)];
    clipGradValue(grads, 1);
    expect(Array.from(grads[0])).toEqual([-1, 0.5, 1, Number.NaN]);
    expect(Array.from(grads[1])).toEqual([-0.25]);
    expect(codeOf(() => clipGradValue(grads, -1))).toBe('invalid-clip-threshold');
  });
});
