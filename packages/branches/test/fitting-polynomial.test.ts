import { describe, expect, it } from 'vitest';
import { Rng } from '@kirchhoff/core';
import { evaluatePolynomial, fitPolynomial, scaledVoltage, type PolynomialFit } from '../src/fitting/polynomial-fit';

const grid = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, k) => lo + ((hi - lo) * k) / (n - 1));

function fitted(v: readonly number[], i: readonly number[], degree: number): PolynomialFit {
  const result = fitPolynomial(v, i, degree);
  if (!result.ok) throw new Error(result.problem.message);
  return result.fit;
}

describe('fitPolynomial', () => {
  it('recovers a polynomial exactly: the MBD1057 vendor model (kanalogue.md §1), degree 6', () => {
    const vendor = (v: number) => 0.007358 * v - 0.08607 * v ** 2 + 0.2911 * v ** 3 + 0.03922 * v ** 4 - 1.693 * v ** 5 + 2.099 * v ** 6;
    const v = grid(-0.06, 0.47, 54);
    const fit = fitted(v, v.map(vendor), 6);
    for (const x of grid(-0.06, 0.47, 200)) expect(Math.abs(evaluatePolynomial(fit, x) - vendor(x))).toBeLessThan(1e-16);
  });

  it('keeps ~11 digits at degree 15, where the normal equations would keep ~6', () => {
    // Known coefficients in the scaled voltage u. cond(A) is 2.9e5 on this grid; solving AᵀA c = Aᵀy
    // instead (cond 8e10) recovers them to only 1.4e-6, QR to 3e-12.
    const rng = new Rng(5);
    const truth = Array.from({ length: 16 }, () => rng.normal());
    const v = grid(0, 1.5, 31);
    const range = { vMin: 0, vMax: 1.5, center: 0.75, halfWidth: 0.75 };
    const i = v.map((x) => truth.reduceRight((sum, c) => c + scaledVoltage(range, x) * sum, 0));
    const fit = fitted(v, i, 15);
    expect(fit.conditionEstimate).toBeGreaterThan(1e3);
    Array.from(fit.coefficients).forEach((c, k) => expect(Math.abs(c - truth[k])).toBeLessThan(1e-9));
  });

  it('is the least-squares solution: the residual is orthogonal to every column u^k', () => {
    const rng = new Rng(9);
    const v = grid(0, 1.3, 27);
    const i = v.map((x) => Math.sin(4 * x) + 0.05 * rng.normal());
    const fit = fitted(v, i, 8);
    const residual = v.map((x, n) => i[n] - evaluatePolynomial(fit, x));
    for (let k = 0; k <= 8; k++) {
      const dot = v.reduce((sum, x, n) => sum + residual[n] * scaledVoltage(fit, x) ** k, 0);
      expect(Math.abs(dot)).toBeLessThan(1e-13);
    }
    // and better than a nearby coefficient vector.
    const sse = (f: PolynomialFit) => v.reduce((s, x, n) => s + (i[n] - evaluatePolynomial(f, x)) ** 2, 0);
    const nudged = { ...fit, coefficients: fit.coefficients.map((c, k) => (k === 3 ? c + 1e-3 : c)) };
    expect(sse(nudged)).toBeGreaterThan(sse(fit));
  });

  it('is flat outside the data range, at the end values', () => {
    const fit = fitted([0, 0.5, 1, 1.5], [0, 1, 4, 9].map((x) => x / 4), 2);
    expect(evaluatePolynomial(fit, -2)).toBe(evaluatePolynomial(fit, 0));
    expect(evaluatePolynomial(fit, 7)).toBe(evaluatePolynomial(fit, 1.5));
  });

  it('rejects fits the points cannot determine', () => {
    expect(fitPolynomial([0, 1, 2], [0, 1, 4], 3)).toMatchObject({ ok: false, problem: { code: 'fit-underdetermined' } });
    expect(fitPolynomial([1, 1, 1, 1], [0, 1, 4, 3], 2)).toMatchObject({ ok: false, problem: { code: 'fit-rank-deficient' } });
  });
});
