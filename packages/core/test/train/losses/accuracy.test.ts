import { describe, expect, it } from 'vitest';
import { accuracy } from '../../../src/train/losses/accuracy';

describe('accuracy', () => {
  it('counts samples whose largest readout is at the label', () => {
    const outputs = Float64Array.of(0.1, 0.9, 0.0, 2, 1, 0, -1, -2, -0.5, 0, 0, 5);
    expect(accuracy(outputs, 4, 3, Float64Array.of(1, 0, 0, 2))).toBe(0.75);
    expect(accuracy(outputs, 4, 3, Float64Array.of(1, 0, 2, 2))).toBe(1);
    expect(accuracy(outputs, 3, 4, Float64Array.of(0, 1, 3))).toBe(1 / 3);
  });

  it('breaks ties towards the first index and treats NaN as the largest, as torch.argmax', () => {
    expect(accuracy(Float64Array.of(1, 1), 1, 2, Float64Array.of(0))).toBe(1);
    expect(accuracy(Float64Array.of(1, 1), 1, 2, Float64Array.of(1))).toBe(0);
    expect(accuracy(Float64Array.of(5, Number.NaN, 1), 1, 3, Float64Array.of(0))).toBe(0);
  });

  it('rejects invalid labels', () => {
    expect(() => accuracy(Float64Array.of(1, 2), 1, 2, Float64Array.of(2))).toThrow(/label of sample 0 is 2/);
  });
});
