import { describe, expect, it } from 'vitest';
import { drawNoise, NOISE_DISTRIBUTIONS, perturbMultiplicative, quantizeSymmetric } from '../../src/random/perturb';
import { Rng } from '../../src/random/rng';

describe('mismatch noise', () => {
  it.each(NOISE_DISTRIBUTIONS)('%s noise has mean 0 and variance 1', (distribution) => {
    const rng = new Rng(7);
    const n = 200_000;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const x = drawNoise(distribution, rng);
      sum += x;
      squares += x * x;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(squares / n - 1)).toBeLessThan(0.01);
  });

  it('binary noise takes only ±1 and uniform stays within ±√3', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 1000; i++) {
      expect(Math.abs(drawNoise('binary', rng))).toBe(1);
      expect(Math.abs(drawNoise('uniform', rng))).toBeLessThanOrEqual(Math.sqrt(3));
    }
  });

  it('perturbs only the chosen range, by c·(1 + σ·n), reproducibly for a seed', () => {
    const source = Float64Array.from({ length: 10 }, (_, i) => i + 1);
    const a = new Float64Array(10);
    const b = new Float64Array(10);
    perturbMultiplicative(source, a, 0.1, 'binary', new Rng(3), 2, 8);
    perturbMultiplicative(source, b, 0.1, 'binary', new Rng(3), 2, 8);
    expect(a).toEqual(b);
    for (let i = 0; i < 10; i++) {
      if (i < 2 || i >= 8) expect(a[i]).toBe(0);
      else expect(Math.abs(a[i] / source[i] - 1)).toBeCloseTo(0.1, 12);
    }
  });
});

describe('symmetric quantisation', () => {
  it('uses 2^(k−1) − 1 levels per sign with error at most half a step', () => {
    const source = Float64Array.from({ length: 1001 }, (_, i) => Math.sin(i * 0.37) * 2.5);
    for (const bits of [4, 8, 12]) {
      const out = new Float64Array(source.length);
      quantizeSymmetric(source, out, bits);
      const maxAbs = Math.max(...source.map(Math.abs));
      const step = maxAbs / (2 ** (bits - 1) - 1);
      const levels = new Set(Array.from(out, (x) => Math.round(x / step)));
      expect(levels.size).toBeLessThanOrEqual(2 ** bits - 1);
      for (let i = 0; i < source.length; i++) expect(Math.abs(out[i] - source[i])).toBeLessThanOrEqual(step / 2 + 1e-15);
    }
  });

  it('keeps zero exact and rejects fewer than 2 bits', () => {
    const out = new Float64Array(3);
    quantizeSymmetric(Float64Array.of(0, 1, -1), out, 4);
    expect(out[0]).toBe(0);
    quantizeSymmetric(new Float64Array(3), out, 4);
    expect(Array.from(out)).toEqual([0, 0, 0]);
    expect(() => quantizeSymmetric(Float64Array.of(1), out, 1)).toThrow(/bits/);
  });
});
