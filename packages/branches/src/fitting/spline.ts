/**
 * Natural cubic splines: interpolating, or smoothing in Reinsch's sense (the smoothest curve, by
 * ∫f''², whose residual sum of squares is at most `s`, the same meaning as `s` in scipy's
 * UnivariateSpline, which KANalogue uses with s = 0.1).
 *
 * Reinsch (Numer. Math. 10, 1967) with unit weights: the natural spline with knot values a and interior
 * second derivatives γ satisfies Qᵀa = Rγ, where R is tridiagonal (hᵢ₋₁+hᵢ)/3, hᵢ/6 and Qᵀ holds the
 * divided-difference rows 1/hᵢ₋₁, −1/hᵢ₋₁ − 1/hᵢ, 1/hᵢ. Minimising ‖y − a‖² + λ∫f''² gives
 * (R + λQᵀQ)γ = Qᵀy and a = y − λQγ: one symmetric pentadiagonal solve per λ, O(n). λ = 0 interpolates.
 * For a target s, λ is found by bisection on log λ, since the residual grows monotonically with λ.
 */
export interface CubicSpline {
  /** Strictly increasing knots t₀ < … < tₙ₋₁ (the data voltages). */
  readonly knots: Float64Array;
  /** Per interval i (n − 1 of them), four coefficients: value, slope, curvature/2 and cubic at tᵢ. */
  readonly coefficients: Float64Array;
}

/** Index i with tᵢ ≤ x < tᵢ₊₁ for x inside the knots; the last interval also takes x = tₙ₋₁. */
export function intervalOf(knots: Float64Array, x: number): number {
  let lo = 0;
  let hi = knots.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (x < knots[mid]) hi = mid - 1;
    else lo = mid;
  }
  return lo;
}

/** The spline at x, clamped to its knot range (flat outside, as KANalogue evaluates its bases). */
export function evaluateSpline(spline: CubicSpline, voltage: number): number {
  const { knots, coefficients: c } = spline;
  const x = Math.min(Math.max(voltage, knots[0]), knots[knots.length - 1]);
  const i = intervalOf(knots, x);
  const dx = x - knots[i];
  return c[4 * i] + dx * (c[4 * i + 1] + dx * (c[4 * i + 2] + dx * c[4 * i + 3]));
}

/** dI/dV of the clamped spline: 0 outside the knots. */
export function evaluateSplineSlope(spline: CubicSpline, voltage: number): number {
  const { knots, coefficients: c } = spline;
  if (voltage < knots[0] || voltage > knots[knots.length - 1]) return 0;
  const i = intervalOf(knots, voltage);
  const dx = voltage - knots[i];
  return c[4 * i + 1] + dx * (2 * c[4 * i + 2] + dx * 3 * c[4 * i + 3]);
}

/** The natural cubic spline through (x, y); x strictly increasing, at least two points. */
export function interpolatingSpline(x: ArrayLike<number>, y: ArrayLike<number>): CubicSpline {
  return smoothingSplineFor(Float64Array.from(x), Float64Array.from(y), 0);
}

export interface SmoothingResult {
  readonly spline: CubicSpline;
  /** The λ that was used (0: interpolation; Infinity: the least-squares straight line). */
  readonly lambda: number;
  /** Σ(yᵢ − f(xᵢ))², at most s (equal to s up to the bisection tolerance when 0 < s < the line's residual). */
  readonly residual: number;
}

/** The smoothest natural cubic spline with Σ(yᵢ − f(xᵢ))² ≤ s; s = 0 interpolates. */
export function smoothingSpline(xIn: ArrayLike<number>, yIn: ArrayLike<number>, s: number): SmoothingResult {
  const x = Float64Array.from(xIn);
  const y = Float64Array.from(yIn);
  if (!(s >= 0) || !Number.isFinite(s)) throw new RangeError(`smoothing s must be a finite number ≥ 0, got ${s}`);
  const residualOf = (spline: CubicSpline) => y.reduce((sum, yi, i) => sum + (yi - evaluateSpline(spline, x[i])) ** 2, 0);
  if (s === 0 || x.length < 3) {
    const spline = smoothingSplineFor(x, y, 0);
    return { spline, lambda: 0, residual: residualOf(spline) };
  }
  const line = leastSquaresLine(x, y);
  if (line.residual <= s) return { spline: line.spline, lambda: Infinity, residual: line.residual };
  // λ scales like h³ (R ~ h, QᵀQ ~ 1/h²), so start there and widen the bracket two decades at a time.
  const span = x[x.length - 1] - x[0];
  let lo = Math.log((span / (x.length - 1)) ** 3);
  let hi = lo;
  const rssAt = (logLambda: number) => residualOf(smoothingSplineFor(x, y, Math.exp(logLambda)));
  while (rssAt(lo) > s && lo > -700) lo -= Math.LN10 * 2;
  while (rssAt(hi) < s && hi < 700) hi += Math.LN10 * 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = 0.5 * (lo + hi);
    if (rssAt(mid) > s) hi = mid;
    else lo = mid;
  }
  const spline = smoothingSplineFor(x, y, Math.exp(lo));
  return { spline, lambda: Math.exp(lo), residual: residualOf(spline) };
}

function smoothingSplineFor(x: Float64Array, y: Float64Array, lambda: number): CubicSpline {
  const n = x.length;
  const h = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) h[i] = x[i + 1] - x[i];
  const m = n - 2;
  const gamma = new Float64Array(n);
  const a = Float64Array.from(y);
  if (m > 0) {
    // Row r of Qᵀ (interior knot i = r + 1) has q0, q1, q2 at columns i − 1, i, i + 1.
    const q0 = new Float64Array(m);
    const q1 = new Float64Array(m);
    const q2 = new Float64Array(m);
    for (let r = 0; r < m; r++) {
      q0[r] = 1 / h[r];
      q2[r] = 1 / h[r + 1];
      q1[r] = -q0[r] - q2[r];
    }
    const d0 = new Float64Array(m);
    const d1 = new Float64Array(m);
    const d2 = new Float64Array(m);
    const rhs = new Float64Array(m);
    for (let r = 0; r < m; r++) {
      d0[r] = (h[r] + h[r + 1]) / 3 + lambda * (q0[r] ** 2 + q1[r] ** 2 + q2[r] ** 2);
      if (r + 1 < m) d1[r] = h[r + 1] / 6 + lambda * (q1[r] * q0[r + 1] + q2[r] * q1[r + 1]);
      if (r + 2 < m) d2[r] = lambda * q2[r] * q0[r + 2];
      rhs[r] = q0[r] * y[r] + q1[r] * y[r + 1] + q2[r] * y[r + 2];
    }
    const interior = solvePentadiagonal(d0, d1, d2, rhs);
    gamma.set(interior, 1);
    if (lambda > 0) {
      for (let r = 0; r < m; r++) {
        a[r] -= lambda * q0[r] * interior[r];
        a[r + 1] -= lambda * q1[r] * interior[r];
        a[r + 2] -= lambda * q2[r] * interior[r];
      }
    }
  }
  const coefficients = new Float64Array(4 * (n - 1));
  for (let i = 0; i < n - 1; i++) {
    coefficients[4 * i] = a[i];
    coefficients[4 * i + 1] = (a[i + 1] - a[i]) / h[i] - (h[i] * (2 * gamma[i] + gamma[i + 1])) / 6;
    coefficients[4 * i + 2] = gamma[i] / 2;
    coefficients[4 * i + 3] = (gamma[i + 1] - gamma[i]) / (6 * h[i]);
  }
  return { knots: x, coefficients };
}

/** The λ → ∞ limit: the least-squares straight line, as a spline with zero curvature. */
function leastSquaresLine(x: Float64Array, y: Float64Array): { spline: CubicSpline; residual: number } {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  const slope = sxy / sxx;
  const fitted = Float64Array.from(x, (v) => my + slope * (v - mx));
  const residual = y.reduce((s, v, i) => s + (v - fitted[i]) ** 2, 0);
  const coefficients = new Float64Array(4 * (n - 1));
  for (let i = 0; i < n - 1; i++) {
    coefficients[4 * i] = fitted[i];
    coefficients[4 * i + 1] = slope;
  }
  return { spline: { knots: x, coefficients }, residual };
}

/**
 * Solves a symmetric positive-definite pentadiagonal system (diagonal d0, first and second
 * superdiagonals d1, d2) by LDLᵀ without pivoting, which positive definiteness makes stable.
 */
function solvePentadiagonal(d0: Float64Array, d1: Float64Array, d2: Float64Array, b: Float64Array): Float64Array {
  const m = d0.length;
  const D = new Float64Array(m);
  const L1 = new Float64Array(m); // L[r+1][r]
  const L2 = new Float64Array(m); // L[r+2][r]
  for (let r = 0; r < m; r++) {
    const l1 = r >= 1 ? L1[r - 1] : 0;
    const l2 = r >= 2 ? L2[r - 2] : 0;
    D[r] = d0[r] - (r >= 1 ? l1 * l1 * D[r - 1] : 0) - (r >= 2 ? l2 * l2 * D[r - 2] : 0);
    if (r + 1 < m) L1[r] = (d1[r] - (r >= 1 ? L2[r - 1] * L1[r - 1] * D[r - 1] : 0)) / D[r];
    if (r + 2 < m) L2[r] = d2[r] / D[r];
  }
  const z = Float64Array.from(b);
  for (let r = 0; r < m; r++) z[r] -= (r >= 1 ? L1[r - 1] * z[r - 1] : 0) + (r >= 2 ? L2[r - 2] * z[r - 2] : 0);
  for (let r = 0; r < m; r++) z[r] /= D[r];
  for (let r = m - 1; r >= 0; r--) z[r] -= (r + 1 < m ? L1[r] * z[r + 1] : 0) + (r + 2 < m ? L2[r] * z[r + 2] : 0);
  return z;
}
