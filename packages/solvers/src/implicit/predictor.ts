import type { ImplicitStep } from './implicit-solver';

/**
 * The quadratic through (t0 − hPrev, yPrev) and (t0, y0) with slope f0 at t0, at t1: with ω = h/hPrev,
 * y_P = y0 + h·f0 + ω²·(yPrev − y0 + hPrev·f0). It starts Newton, and its distance to the corrector
 * gives the two-step methods' error estimates (Milne's device). Its local error is
 * E_P·h³·y''' with E_P = (1 + ω)/(6ω).
 */
export function extrapolate(s: ImplicitStep, out: Float64Array): void {
  const { h, hPrev, y0, f0, yPrev } = s;
  const w2 = (h / hPrev) ** 2;
  for (let i = 0; i < out.length; i++) out[i] = y0[i] + h * f0[i] + w2 * (yPrev[i] - y0[i] + hPrev * f0[i]);
}

/** yError = k·(y1 − y_P): Milne's device with k = E_C/(E_P − E_C) for a corrector with error E_C·h³·y'''. */
export function milneEstimate(k: number, y1: Float64Array, predicted: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = k * (y1[i] - predicted[i]);
}
