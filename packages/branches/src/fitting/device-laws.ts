import type { PolynomialFit } from './polynomial-fit';
import type { CubicSpline } from './spline';

/**
 * Branch laws for table and fitted devices, with every coefficient written as a constant. The laws
 * are plain expressions, so core derives their partials: for a piecewise cubic written with `?:`, the
 * rule (c ? a : b)′ = c ? a′ : b′ gives the spline's own derivative on every interval, exactly; and
 * clamp′ = 0 outside the data range makes the flat extrapolation's derivative exactly 0 there.
 */

/**
 * Each knot adds one interval, ~200 characters, to a spline law, and core's compile time (symbolic
 * partials, kernels) grows with the law: measured 0.18 s at 31 knots, 0.23 s at 61 and 0.6 s at 256.
 * Longer tables should be thinned or fitted with a polynomial.
 */
export const MAX_SPLINE_KNOTS = 256;

/** Shortest round-trip text of a constant, parenthesised when negative so it can follow any operator. */
export function constant(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`cannot write ${x} into a branch law`);
  const text = String(x);
  return x < 0 ? `(${text})` : text;
}

const clampedVoltage = (lo: number, hi: number) => `clamp(vs - vd, ${constant(lo)}, ${constant(hi)})`;

/** c₀ + u·(c₁ + u·(… + u·c_n)), u = (clamp(V, vMin, vMax) − center)/halfWidth: the fit's own Horner form. */
export function polynomialLaw(fit: PolynomialFit): string {
  const u = `((${clampedVoltage(fit.vMin, fit.vMax)} - ${constant(fit.center)}) / ${constant(fit.halfWidth)})`;
  const c = Array.from(fit.coefficients, constant);
  let law = c[c.length - 1];
  for (let k = c.length - 2; k >= 0; k--) law = `${c[k]} + ${u} * (${law})`;
  return law;
}

/**
 * The clamped spline as a balanced tree of `V < t ? … : …` over its intervals, so an evaluation makes
 * ⌈log₂ n⌉ comparisons and the nesting stays shallow, with each interval's cubic in Horner form in
 * (V − tᵢ). The split `V < t_mid` puts a knot in the interval that starts there, matching `intervalOf`.
 * Only the two end intervals can see a V outside the knots, so only they clamp it: the law stays
 * about half as long, which matters because core's compile time grows with the law's size.
 */
export function splineLaw(spline: CubicSpline): string {
  const { knots, coefficients: c } = spline;
  const last = knots.length - 2;
  const clamped = clampedVoltage(knots[0], knots[last + 1]);
  const piece = (i: number) => {
    const dx = `(${i === 0 || i === last ? clamped : 'vs - vd'} - ${constant(knots[i])})`;
    const [a, b, h, d] = [0, 1, 2, 3].map((j) => constant(c[4 * i + j]));
    return `${a} + ${dx} * (${b} + ${dx} * (${h} + ${dx} * ${d}))`;
  };
  const tree = (lo: number, hi: number): string => {
    if (lo === hi) return piece(lo);
    const mid = (lo + hi + 1) >> 1;
    return `(vs - vd < ${constant(knots[mid])} ? ${tree(lo, mid - 1)} : ${tree(mid, hi)})`;
  };
  return tree(0, last);
}
