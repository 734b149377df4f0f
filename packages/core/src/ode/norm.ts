/**
 * The error norm of a step: ‖v / (atol + rtol·max(|a|, |b|))‖, elementwise scaling then a reduction.
 * Step controllers call it with (yError, y0, y1); the first-step heuristic with (v, y0, y0).
 */
export type ErrorNorm = (v: Float64Array, a: Float64Array, b: Float64Array, rtol: number, atol: number) => number;

/** Root mean square over every entry (all nodes × the whole batch), torchdiffeq's `_rms_norm`. */
export const rmsNorm: ErrorNorm = (v, a, b, rtol, atol) => scaledRms(v, a, b, rtol, atol, 0, v.length);

/**
 * The maximum of per-segment RMS norms, torchdiffeq's `_mixed_norm`: for a state that concatenates parts
 * (v and ℓ of a CNF, or the adjoint's [t-adjoint, y, a, parameter adjoints]), each part is judged on its
 * own scale so a large part cannot hide a small one's error.
 */
export function segmentedRmsNorm(segmentLengths: readonly number[]): ErrorNorm {
  const total = segmentLengths.reduce((s, n) => s + n, 0);
  return (v, a, b, rtol, atol) => {
    if (v.length !== total) {
      throw new Error(`segmented norm covers ${total} entries but the state has ${v.length}`);
    }
    let worst = 0;
    let start = 0;
    for (const length of segmentLengths) {
      const norm = scaledRms(v, a, b, rtol, atol, start, start + length);
      // NaN must win so that a broken step is rejected, not hidden by Math.max.
      if (!(norm <= worst)) worst = norm;
      start += length;
    }
    return worst;
  };
}

function scaledRms(
  v: Float64Array,
  a: Float64Array,
  b: Float64Array,
  rtol: number,
  atol: number,
  start: number,
  end: number,
): number {
  if (end <= start) return 0;
  let sum = 0;
  for (let i = start; i < end; i++) {
    const ratio = v[i] / (atol + rtol * Math.max(Math.abs(a[i]), Math.abs(b[i])));
    sum += ratio * ratio;
  }
  return Math.sqrt(sum / (end - start));
}

/** Index of the entry with the largest scaled error (the first non-finite one wins), for diagnostics. */
export function worstScaledEntry(
  v: Float64Array,
  a: Float64Array,
  b: Float64Array,
  rtol: number,
  atol: number,
): number {
  let worst = -1;
  let worstValue = -1;
  for (let i = 0; i < v.length; i++) {
    const ratio = Math.abs(v[i]) / (atol + rtol * Math.max(Math.abs(a[i]), Math.abs(b[i])));
    if (!Number.isFinite(ratio)) return i;
    if (ratio > worstValue) {
      worstValue = ratio;
      worst = i;
    }
  }
  return worst;
}

/** Index of the entry that changed most between a and b, for diagnostics when no error estimate exists. */
export function largestChangeEntry(a: Float64Array, b: Float64Array): number {
  let worst = -1;
  let worstValue = -1;
  for (let i = 0; i < a.length; i++) {
    const change = Math.abs(b[i] - a[i]);
    if (!Number.isFinite(change)) return i;
    if (change > worstValue) {
      worstValue = change;
      worst = i;
    }
  }
  return worst;
}

/** Index of the first NaN or ±Inf entry, or -1. */
export function firstNonFinite(y: Float64Array): number {
  for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) return i;
  return -1;
}
