import { DenseLu, Gmres, Rng, type LinearOperator } from '@kirchhoff/core';
import { describe, expect, it } from 'vitest';

/** A random n×n matrix (row-major) and its product with a vector. */
function randomMatrix(rng: Rng, n: number, diagonalShift: number): Float64Array {
  const a = Float64Array.from({ length: n * n }, () => rng.uniform() * 2 - 1);
  for (let i = 0; i < n; i++) a[i * n + i] += diagonalShift;
  return a;
}
const multiply = (a: Float64Array, x: ArrayLike<number>, out: Float64Array) => {
  const n = out.length;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i * n + j] * x[j];
    out[i] = s;
  }
};
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

describe('DenseLu', () => {
  it('solves with partial pivoting, also through a zero leading pivot', () => {
    const rng = new Rng(3);
    const n = 7;
    const a = randomMatrix(rng, n, 0);
    a[0] = 0; // without row exchanges the first elimination step would divide by zero
    const x = Float64Array.from({ length: n }, (_, i) => i - 3);
    const b = new Float64Array(n);
    multiply(a, x, b);
    const lu = new DenseLu(n);
    lu.matrix.set(a);
    expect(lu.factor()).toBe(-1);
    lu.solve(b);
    expect(maxAbs(b, x)).toBeLessThan(1e-12);
  });

  it('solves interleaved systems in place through offset and stride', () => {
    const lu = new DenseLu(2);
    lu.matrix.set([2, 1, 1, 3]);
    lu.factor();
    // Two samples, node-major: entries (node 0, s0), (node 0, s1), (node 1, s0), (node 1, s1).
    const x = Float64Array.of(3, 5, 4, 10);
    lu.solve(x, 1, 2);
    expect(Array.from(x)).toEqual([3, 1, 4, 3]);
  });

  it('reports the first column without a usable pivot', () => {
    const lu = new DenseLu(3);
    lu.matrix.set([1, 2, 3, 2, 4, 6, 0, 0, 1]);
    expect(lu.factor()).toBe(1);
    lu.matrix.set([1, 0, 0, 0, Number.NaN, 0, 0, 0, 1]);
    expect(lu.factor()).toBe(1);
  });
});

describe('Gmres', () => {
  const n = 40;
  const rng = new Rng(11);
  // Non-symmetric with a wide diagonal: unpreconditioned GMRES needs many iterations, Jacobi few.
  const a = randomMatrix(rng, n, 0);
  for (let i = 0; i < n; i++) a[i * n + i] = 10 ** (4 * (i / (n - 1)));
  const operator: LinearOperator = { apply: (x, out) => multiply(a, x, out) };
  const jacobi: LinearOperator = { apply: (x, out) => x.forEach((v, i) => (out[i] = v / a[i * n + i])) };
  const truth = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
  const b = new Float64Array(n);
  multiply(a, truth, b);

  it('reaches the relative residual it is asked for, with and without a preconditioner', () => {
    // Unrestarted (m = n), GMRES must converge within n iterations whatever the conditioning.
    const gmres = new Gmres(n, n);
    const residual = new Float64Array(n);
    for (const preconditioner of [null, jacobi]) {
      const x = new Float64Array(n);
      const outcome = gmres.solve(operator, preconditioner, b, x, 1e-10, n + 1);
      expect(outcome.converged).toBe(true);
      multiply(a, x, residual);
      const rel = Math.hypot(...residual.map((v, i) => v - b[i])) / Math.hypot(...b);
      expect(rel).toBeLessThan(1.01e-10);
      expect(outcome.relativeResidual).toBeLessThanOrEqual(1e-10);
    }
  });

  it('needs far fewer iterations with Jacobi preconditioning here, and stops at its budget otherwise', () => {
    const gmres = new Gmres(n, 10);
    const plain = gmres.solve(operator, null, b, new Float64Array(n), 1e-8, 2000).iterations;
    const preconditioned = gmres.solve(operator, jacobi, b, new Float64Array(n), 1e-8, 2000).iterations;
    expect(preconditioned * 3).toBeLessThan(plain);
    const limited = gmres.solve(operator, null, b, new Float64Array(n), 1e-12, 5);
    expect(limited).toMatchObject({ converged: false, iterations: 5 });
    expect(limited.relativeResidual).toBeGreaterThan(1e-12);
  });

  it('returns x = 0 for b = 0 and finds an exact solution in a small Krylov space (lucky breakdown)', () => {
    const gmres = new Gmres(n, 10);
    const x = new Float64Array(n).fill(1);
    expect(gmres.solve(operator, null, new Float64Array(n), x, 1e-10, 100)).toMatchObject({ converged: true, iterations: 0 });
    expect(x.every((v) => v === 0)).toBe(true);
    const identity: LinearOperator = { apply: (v, out) => out.set(v) };
    const outcome = gmres.solve(identity, null, b, x, 1e-14, 100);
    expect(outcome).toMatchObject({ converged: true, iterations: 1 });
    expect(maxAbs(x, b)).toBeLessThan(1e-12);
  });
});
