import type { Rng } from './rng';

/**
 * Unit-variance noise laws for device-mismatch studies: KANalogue's binary ±1 (its default), uniform
 * on [−√3, √3] and the standard normal. Equal variance makes σ comparable across laws.
 */
export const NOISE_DISTRIBUTIONS = ['binary', 'uniform', 'gaussian'] as const;
export type NoiseDistribution = (typeof NOISE_DISTRIBUTIONS)[number];

const SQRT3 = Math.sqrt(3);

export function drawNoise(distribution: NoiseDistribution, rng: Rng): number {
  switch (distribution) {
    case 'binary':
      return rng.uniform() < 0.5 ? -1 : 1;
    case 'uniform':
      return SQRT3 * (2 * rng.uniform() - 1);
    case 'gaussian':
      return rng.normal();
  }
}

/**
 * Multiplicative mismatch: out[i] = source[i]·(1 + σ·n_i) for i in [from, to), one fresh draw per entry
 * in index order (so a seed fixes the whole perturbation). `out` may be `source`.
 */
export function perturbMultiplicative(
  source: Float64Array,
  out: Float64Array,
  sigma: number,
  distribution: NoiseDistribution,
  rng: Rng,
  from = 0,
  to = source.length,
): void {
  for (let i = from; i < to; i++) out[i] = source[i] * (1 + sigma * drawNoise(distribution, rng));
}

/**
 * Uniform mid-tread quantisation to `bits` bits over the symmetric range [−max|x|, max|x|] of
 * entries [from, to): 2^(bits−1) − 1 positive levels, zero exact, as a signed conductance DAC
 * (a differential pair) would realise them. A block of zeros stays zero.
 */
export function quantizeSymmetric(source: Float64Array, out: Float64Array, bits: number, from = 0, to = source.length): void {
  if (!Number.isInteger(bits) || bits < 2) throw new RangeError(`quantisation needs an integer number of bits ≥ 2, got ${bits}`);
  let maxAbs = 0;
  for (let i = from; i < to; i++) maxAbs = Math.max(maxAbs, Math.abs(source[i]));
  if (maxAbs === 0) {
    out.fill(0, from, to);
    return;
  }
  const levels = 2 ** (bits - 1) - 1;
  const step = maxAbs / levels;
  for (let i = from; i < to; i++) out[i] = Math.round(source[i] / step) * step;
}
