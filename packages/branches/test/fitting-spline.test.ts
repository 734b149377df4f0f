import { describe, expect, it } from 'vitest';
import { Rng } from '@kirchhoff/core';
import { evaluateSpline, interpolatingSpline, smoothingSpline, type CubicSpline } from '../src/fitting/spline';

const grid = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, k) => lo + ((hi - lo) * k) / (n - 1));

/** ∫f''² of a spline, exactly: f'' is linear on each interval. */
function roughness(spline: CubicSpline): number {
  const { knots, coefficients: c } = spline;
  let total = 0;
  for (let i = 0; i < knots.length - 1; i++) {
    const h = knots[i + 1] - knots[i];
    const [g0, g1] = [2 * c[4 * i + 2], 2 * c[4 * i + 2] + 6 * c[4 * i + 3] * h];
    total += (h * (g0 * g0 + g0 * g1 + g1 * g1)) / 3;
  }
  return total;
}

/** The smoothing spline's knot values by dense algebra: (I + λK)a = y with K = Q R⁻¹ Qᵀ (Green & Silverman). */
function denseSmoothedValues(x: number[], y: number[], lambda: number): number[] {
  const n = x.length;
  const h = x.slice(1).map((xi, i) => xi - x[i]);
  const m = n - 2;
  const Qt = Array.from({ length: m }, (_, r) => {
    const row = new Array(n).fill(0);
    [row[r], row[r + 1], row[r + 2]] = [1 / h[r], -1 / h[r] - 1 / h[r + 1], 1 / h[r + 1]];
    return row;
  });
  const R = Array.from({ length: m }, (_, r) => Array.from({ length: m }, (_, s) => (r === s ? (h[r] + h[r + 1]) / 3 : Math.abs(r - s) === 1 ? h[Math.max(r, s)] / 6 : 0)));
  const RinvQt = solveDense(R, Qt);
  const A = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0) + lambda * Qt.reduce((s, row, r) => s + row[i] * RinvQt[r][j], 0)));
  return solveDense(A, y.map((v) => [v])).map((row) => row[0]);
}

function solveDense(A: number[][], B: number[][]): number[][] {
  const n = A.length;
  const M = A.map((row, i) => [...row, ...B[i]]);
  for (let k = 0; k < n; k++) {
    const p = M.slice(k).reduce((best, row, i) => (Math.abs(row[k]) > Math.abs(M[best][k]) ? k + i : best), k);
    [M[k], M[p]] = [M[p], M[k]];
    for (let i = k + 1; i < n; i++) {
      const f = M[i][k] / M[k][k];
      for (let j = k; j < M[i].length; j++) M[i][j] -= f * M[k][j];
    }
  }
  const X = M.map((row) => row.slice(n));
  for (let k = n - 1; k >= 0; k--) {
    for (let j = 0; j < X[k].length; j++) {
      let s = X[k][j];
      for (let i = k + 1; i < n; i++) s -= M[k][i] * X[i][j];
      X[k][j] = s / M[k][k];
    }
  }
  return X;
}

describe('interpolatingSpline', () => {
  it('passes through every point', () => {
    const x = [0, 0.1, 0.25, 0.3, 0.7, 1];
    const y = [0, 2, -1, 0.5, 3, 1];
    const spline = interpolatingSpline(x, y);
    x.forEach((xi, k) => expect(evaluateSpline(spline, xi)).toBeCloseTo(y[k], 14));
  });

  it('converges at fourth order away from the natural ends', () => {
    const f = (x: number) => Math.sin(3 * x) + x * x;
    const interiorError = (n: number) => {
      const x = grid(0, 2, n);
      const spline = interpolatingSpline(x, x.map(f));
      return Math.max(...grid(0.6, 1.4, 400).map((v) => Math.abs(evaluateSpline(spline, v) - f(v))));
    };
    const ratio = interiorError(41) / interiorError(81);
    expect(ratio).toBeGreaterThan(12);
    expect(ratio).toBeLessThan(20);
  });
});

describe('smoothingSpline', () => {
  const rng = new Rng(21);
  const x = grid(0, 1.4, 29);
  const y = x.map((v) => Math.exp(-((v - 0.5) ** 2) / 0.05) + 0.03 * rng.normal());

  it('agrees with the dense penalised least-squares solution', () => {
    const xs = grid(0, 1, 8);
    const ys = xs.map((v) => Math.cos(5 * v) + (v > 0.5 ? 0.2 : 0));
    for (const s of [0.01, 0.2]) {
      const { spline, lambda } = smoothingSpline(xs, ys, s);
      const dense = denseSmoothedValues(xs, ys, lambda);
      xs.forEach((v, k) => expect(evaluateSpline(spline, v)).toBeCloseTo(dense[k], 10));
    }
  });

  it('meets the residual bound s exactly, getting smoother as s grows', () => {
    let previousRoughness = Infinity;
    for (const s of [0.001, 0.01, 0.05, 0.2]) {
      const result = smoothingSpline(x, y, s);
      const residual = y.reduce((sum, yi, k) => sum + (yi - evaluateSpline(result.spline, x[k])) ** 2, 0);
      expect(Math.abs(residual - s) / s).toBeLessThan(1e-6);
      expect(result.residual).toBeCloseTo(residual, 12);
      const r = roughness(result.spline);
      expect(r).toBeLessThan(previousRoughness);
      previousRoughness = r;
    }
  });

  it('interpolates at s = 0 and becomes the least-squares line when s allows it', () => {
    expect(smoothingSpline(x, y, 0)).toMatchObject({ lambda: 0 });
    const line = smoothingSpline(x, y, 1e3);
    expect(line.lambda).toBe(Infinity);
    expect(roughness(line.spline)).toBe(0);
  });

  it('leaves data on a straight line unchanged for any s', () => {
    const straight = x.map((v) => 3 - 2 * v);
    const { spline } = smoothingSpline(x, straight, 0.5);
    for (const v of grid(0, 1.4, 50)) expect(evaluateSpline(spline, v)).toBeCloseTo(3 - 2 * v, 12);
  });
});
