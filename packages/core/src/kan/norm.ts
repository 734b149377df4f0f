/**
 * The normalisations KANalogue puts between layers (never after the last), in float64 as its code:
 * LayerNorm over each sample's features, BatchNorm over the batch per feature with running statistics
 * for evaluation (PyTorch's: momentum 0.1, the running variance unbiased, ε = 1e-5). Both have an affine
 * γ, β per feature. Data are batch-major: entry b·F + f.
 */
export const NORMS = ['none', 'layer', 'batch'] as const;
export type NormKind = (typeof NORMS)[number];

export const NORM_EPS = 1e-5;
export const BATCH_NORM_MOMENTUM = 0.1;

/** Per-call scratch a norm's backward pass needs: the normalised values and 1/σ per group. */
export interface NormCache {
  xHat: Float64Array;
  invStd: Float64Array;
}

export function newNormCache(): NormCache {
  return { xHat: new Float64Array(0), invStd: new Float64Array(0) };
}

function ensure(cache: NormCache, values: number, groups: number): void {
  if (cache.xHat.length < values) cache.xHat = new Float64Array(values);
  if (cache.invStd.length < groups) cache.invStd = new Float64Array(groups);
}

/** LayerNorm forward: y = γ·(x − μ_b)/√(σ²_b + ε) + β per sample b (biased variance, as PyTorch). */
export function layerNormForward(x: Float64Array, B: number, F: number, gamma: Float64Array, beta: Float64Array, y: Float64Array, cache: NormCache): void {
  ensure(cache, B * F, B);
  for (let b = 0; b < B; b++) {
    const row = b * F;
    let mean = 0;
    for (let f = 0; f < F; f++) mean += x[row + f];
    mean /= F;
    let variance = 0;
    for (let f = 0; f < F; f++) variance += (x[row + f] - mean) ** 2;
    const invStd = 1 / Math.sqrt(variance / F + NORM_EPS);
    cache.invStd[b] = invStd;
    for (let f = 0; f < F; f++) {
      const xHat = (x[row + f] - mean) * invStd;
      cache.xHat[row + f] = xHat;
      y[row + f] = gamma[f] * xHat + beta[f];
    }
  }
}

/** LayerNorm backward: dx (overwritten), dγ and dβ accumulated. */
export function layerNormBackward(dy: Float64Array, B: number, F: number, gamma: Float64Array, cache: NormCache, dx: Float64Array, dGamma: Float64Array, dBeta: Float64Array): void {
  for (let b = 0; b < B; b++) {
    const row = b * F;
    let sumG = 0;
    let sumGX = 0;
    for (let f = 0; f < F; f++) {
      const g = dy[row + f] * gamma[f];
      sumG += g;
      sumGX += g * cache.xHat[row + f];
      dGamma[f] += dy[row + f] * cache.xHat[row + f];
      dBeta[f] += dy[row + f];
    }
    const invStd = cache.invStd[b];
    for (let f = 0; f < F; f++) {
      const g = dy[row + f] * gamma[f];
      dx[row + f] = (invStd / F) * (F * g - sumG - cache.xHat[row + f] * sumGX);
    }
  }
}

/**
 * BatchNorm forward. Training: batch statistics (biased variance), and the running mean and variance
 * (unbiased) move by the momentum; evaluation: the running statistics.
 */
export function batchNormForward(
  x: Float64Array, B: number, F: number,
  gamma: Float64Array, beta: Float64Array, runningMean: Float64Array, runningVar: Float64Array,
  training: boolean, y: Float64Array, cache: NormCache,
): void {
  ensure(cache, B * F, F);
  if (!training) {
    for (let f = 0; f < F; f++) cache.invStd[f] = 1 / Math.sqrt(runningVar[f] + NORM_EPS);
    for (let b = 0; b < B; b++) {
      for (let f = 0; f < F; f++) {
        const xHat = (x[b * F + f] - runningMean[f]) * cache.invStd[f];
        cache.xHat[b * F + f] = xHat;
        y[b * F + f] = gamma[f] * xHat + beta[f];
      }
    }
    return;
  }
  const mean = new Float64Array(F);
  const variance = new Float64Array(F);
  for (let b = 0; b < B; b++) for (let f = 0; f < F; f++) mean[f] += x[b * F + f];
  for (let f = 0; f < F; f++) mean[f] /= B;
  for (let b = 0; b < B; b++) for (let f = 0; f < F; f++) variance[f] += (x[b * F + f] - mean[f]) ** 2;
  for (let f = 0; f < F; f++) {
    cache.invStd[f] = 1 / Math.sqrt(variance[f] / B + NORM_EPS);
    const unbiased = B > 1 ? variance[f] / (B - 1) : variance[f];
    runningMean[f] = (1 - BATCH_NORM_MOMENTUM) * runningMean[f] + BATCH_NORM_MOMENTUM * mean[f];
    runningVar[f] = (1 - BATCH_NORM_MOMENTUM) * runningVar[f] + BATCH_NORM_MOMENTUM * unbiased;
  }
  for (let b = 0; b < B; b++) {
    for (let f = 0; f < F; f++) {
      const xHat = (x[b * F + f] - mean[f]) * cache.invStd[f];
      cache.xHat[b * F + f] = xHat;
      y[b * F + f] = gamma[f] * xHat + beta[f];
    }
  }
}

/** BatchNorm backward through the batch statistics (training mode): dx overwritten, dγ and dβ accumulated. */
export function batchNormBackward(dy: Float64Array, B: number, F: number, gamma: Float64Array, cache: NormCache, dx: Float64Array, dGamma: Float64Array, dBeta: Float64Array): void {
  const sumG = new Float64Array(F);
  const sumGX = new Float64Array(F);
  for (let b = 0; b < B; b++) {
    for (let f = 0; f < F; f++) {
      const k = b * F + f;
      sumG[f] += dy[k];
      sumGX[f] += dy[k] * cache.xHat[k];
    }
  }
  for (let f = 0; f < F; f++) {
    dGamma[f] += sumGX[f];
    dBeta[f] += sumG[f];
  }
  for (let b = 0; b < B; b++) {
    for (let f = 0; f < F; f++) {
      const k = b * F + f;
      dx[k] = ((gamma[f] * cache.invStd[f]) / B) * (B * dy[k] - sumG[f] - cache.xHat[k] * sumGX[f]);
    }
  }
}
