import { KirchhoffError } from '../errors';

/**
 * Scales all gradients together so that their global L2 norm is at most `maxNorm`, as PyTorch's
 * `clip_grad_norm_` (norm_type 2): total = ‖(‖g₁‖, …, ‖gₙ‖)‖, coef = maxNorm/(total + 1e-6), and every
 * entry is multiplied by coef when coef < 1. The 1e-6 means a norm just below `maxNorm` (within 1e-6)
 * is still scaled by a factor a hair under 1, exactly as in PyTorch. Returns the norm before clipping.
 *
 * A non-finite norm is passed on, as PyTorch does without `error_if_nonfinite`: a NaN norm turns every
 * gradient into NaN, an infinite one zeroes the finite entries and makes the infinite ones NaN, so a
 * diverging step cannot pass unseen.
 */
export function clipGradNorm(grads: readonly Float64Array[], maxNorm: number): number {
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0) || !Number.isFinite(maxNorm)) {
    throw new KirchhoffError('invalid-clip-threshold', `clipGradNorm: maxNorm must be finite and ≥ 0, got ${String(maxNorm)}`);
  }
  let sumOfSquaredNorms = 0;
  for (let i = 0; i < grads.length; i++) {
    const g = grads[i];
    let sum = 0;
    for (let j = 0; j < g.length; j++) sum += g[j] * g[j];
    // Square of the rounded per-tensor norm, so the total is the norm of the norms as PyTorch stacks it.
    const norm = Math.sqrt(sum);
    sumOfSquaredNorms += norm * norm;
  }
  const total = Math.sqrt(sumOfSquaredNorms);
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1 || Number.isNaN(coef)) {
    for (let i = 0; i < grads.length; i++) {
      const g = grads[i];
      for (let j = 0; j < g.length; j++) g[j] *= coef;
    }
  }
  return total;
}

/** Clamps every gradient entry to [−clipValue, clipValue], as PyTorch's `clip_grad_value_`; NaN stays NaN. */
export function clipGradValue(grads: readonly Float64Array[], clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0) || !Number.isFinite(clipValue)) {
    throw new KirchhoffError('invalid-clip-threshold', `clipGradValue: clipValue must be finite and ≥ 0, got ${String(clipValue)}`);
  }
  for (let i = 0; i < grads.length; i++) {
    const g = grads[i];
    for (let j = 0; j < g.length; j++) {
      const x = g[j];
      if (x > clipValue) g[j] = clipValue;
      else if (x < -clipValue) g[j] = -clipValue;
    }
  }
}
