/**
 * Least-squares polynomial fits of I(V), done so that high degrees (KANalogue uses 10 and 15) stay
 * accurate in float64:
 *
 * - Voltages are mapped onto u = (V − center)/halfWidth ∈ [−1, 1]. On raw voltages the Vandermonde
 *   columns V^k differ by orders of magnitude (0.05^15 vs 1), and the fit loses most of its digits.
 * - The system is solved by Householder QR, whose error grows with cond(A), not with cond(A)² as the
 *   normal equations AᵀA c = Aᵀy do. For degree 15 on 31 uniform points of [−1, 1], cond(A) = 2.9e5:
 *   QR recovers known coefficients to ~3e-12, the normal equations to ~1e-6 (test/fitting-polynomial).
 *
 * The device evaluates the same u (same operations, same constants), clamped to [vMin, vMax] so it is
 * flat outside the data, as KANalogue's `poly` bases are.
 */
export interface PolynomialFit {
  readonly degree: number;
  readonly vMin: number;
  readonly vMax: number;
  readonly center: number;
  readonly halfWidth: number;
  /** c₀ … c_degree in I = Σ c_k·u^k (ascending powers of the scaled voltage u). */
  readonly coefficients: Float64Array;
  /** max|R_kk| / min|R_kk|: a cheap lower bound on cond(A), for the fit report. */
  readonly conditionEstimate: number;
}

export type PolynomialFitProblem =
  | { readonly code: 'fit-underdetermined'; readonly message: string }
  | { readonly code: 'fit-rank-deficient'; readonly message: string };

export const scaledVoltage = (fit: Pick<PolynomialFit, 'vMin' | 'vMax' | 'center' | 'halfWidth'>, voltage: number): number =>
  (Math.min(Math.max(voltage, fit.vMin), fit.vMax) - fit.center) / fit.halfWidth;

/** I at `voltage`, clamped to the data range; Horner on u, as the emitted law does. */
export function evaluatePolynomial(fit: PolynomialFit, voltage: number): number {
  const u = scaledVoltage(fit, voltage);
  const c = fit.coefficients;
  let sum = c[c.length - 1];
  for (let k = c.length - 2; k >= 0; k--) sum = c[k] + u * sum;
  return sum;
}

/** Least-squares fit of degree `degree` to (voltages, currents); voltages need not be sorted. */
export function fitPolynomial(
  voltages: ArrayLike<number>,
  currents: ArrayLike<number>,
  degree: number,
): { ok: true; fit: PolynomialFit } | { ok: false; problem: PolynomialFitProblem } {
  const m = voltages.length;
  const n = degree + 1;
  if (m < n) {
    return { ok: false, problem: { code: 'fit-underdetermined', message: `a degree-${degree} polynomial has ${n} coefficients but there are only ${m} points` } };
  }
  let vMin = Infinity;
  let vMax = -Infinity;
  for (let i = 0; i < m; i++) {
    vMin = Math.min(vMin, voltages[i]);
    vMax = Math.max(vMax, voltages[i]);
  }
  const center = (vMin + vMax) / 2;
  const halfWidth = (vMax - vMin) / 2;
  if (!(halfWidth > 0)) {
    return { ok: false, problem: { code: 'fit-rank-deficient', message: 'all points have the same voltage' } };
  }
  const range = { vMin, vMax, center, halfWidth };
  // Column-major m×n Vandermonde matrix in u; Householder QR in place.
  const A = new Float64Array(m * n);
  const b = Float64Array.from(currents);
  for (let i = 0; i < m; i++) {
    const u = scaledVoltage(range, voltages[i]);
    let power = 1;
    for (let k = 0; k < n; k++, power *= u) A[k * m + i] = power;
  }
  const diagonal = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const col = k * m;
    let norm = 0;
    for (let i = k; i < m; i++) norm += A[col + i] ** 2;
    norm = Math.sqrt(norm);
    // The sign choice avoids cancellation in v = x − α·e₁.
    const alpha = A[col + k] > 0 ? -norm : norm;
    diagonal[k] = alpha;
    if (norm === 0) continue;
    A[col + k] -= alpha;
    let vNorm2 = 0;
    for (let i = k; i < m; i++) vNorm2 += A[col + i] ** 2;
    const reflect = (target: Float64Array, offset: number) => {
      let dot = 0;
      for (let i = k; i < m; i++) dot += A[col + i] * target[offset + i];
      const scale = (2 * dot) / vNorm2;
      for (let i = k; i < m; i++) target[offset + i] -= scale * A[col + i];
    };
    for (let j = k + 1; j < n; j++) reflect(A, j * m);
    reflect(b, 0);
  }
  const magnitudes = Array.from(diagonal, Math.abs);
  const largest = Math.max(...magnitudes);
  const smallest = Math.min(...magnitudes);
  if (smallest <= 1e-13 * largest) {
    return {
      ok: false,
      problem: { code: 'fit-rank-deficient', message: `the points do not determine a degree-${degree} polynomial (too few distinct voltages); lower the degree` },
    };
  }
  const c = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    let sum = b[k];
    for (let j = k + 1; j < n; j++) sum -= A[j * m + k] * c[j];
    c[k] = sum / diagonal[k];
  }
  return { ok: true, fit: { degree, ...range, coefficients: c, conditionEstimate: largest / smallest } };
}
