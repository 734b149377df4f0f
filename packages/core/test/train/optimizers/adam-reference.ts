import { P0, referenceGrad } from '../helpers';

/**
 * Adam/AdamW as PyTorch's documentation states the algorithm (non-amsgrad, not maximizing), one scalar
 * at a time, with PyTorch's operation order: m by ATen's lerp, v by mul then addcmul, θ by addcdiv.
 */
export function documentedAdam(
  o: { beta1: number; beta2: number; eps: number; weightDecay: number; decoupled: boolean },
  steps: number,
  lrs: readonly number[],
  theta: number[] = [...P0],
  grad: (theta: readonly number[], out: Float64Array) => Float64Array = referenceGrad,
): number[][] {
  const m = theta.map(() => 0);
  const v = theta.map(() => 0);
  const g = new Float64Array(theta.length);
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    const lr = lrs[t - 1];
    grad(theta, g);
    for (let i = 0; i < theta.length; i++) {
      let gi = g[i];
      if (o.decoupled) theta[i] = theta[i] * (1 - lr * o.weightDecay);
      else if (o.weightDecay !== 0) gi = gi + o.weightDecay * theta[i];
      const w = 1 - o.beta1;
      m[i] = Math.abs(w) < 0.5 ? m[i] + w * (gi - m[i]) : gi - (gi - m[i]) * (1 - w);
      v[i] = v[i] * o.beta2 + (1 - o.beta2) * gi * gi;
      const stepSize = lr / (1 - o.beta1 ** t);
      const denom = Math.sqrt(v[i]) / Math.sqrt(1 - o.beta2 ** t) + o.eps;
      theta[i] = theta[i] + (-stepSize * m[i]) / denom;
    }
    out.push([...theta]);
  }
  return out;
}
