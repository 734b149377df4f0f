import { KirchhoffError, solve, ValidationError, type JacobianTerm, type Solver, type SolveOptions } from '@kirchhoff/core';
import { describe, expect, it } from 'vitest';
import { backwardEuler, bdf2, constant, dopri5, pi, rk4, trapezoidal, trBdf2, type ImplicitState } from '../src/index';
import { thrownBy } from './helpers';

const implicitSolvers = [backwardEuler, trapezoidal, bdf2, trBdf2] as const;

/**
 * An index-1 DAE with a closed-form solution, batched (node-major, two samples):
 *   y1' = −2·y1 + y2 − sin t,   0 = y1² + sin t − y2   (mass (1, 0))
 * The constraint gives y2 = y1² + sin t, so y1' = −2·y1 + y1², a Bernoulli equation:
 *   y1(t) = 2 / (1 + (2/a − 1)·e^{2t}),  y1(0) = a.
 * The constraint is nonlinear and time-dependent (∂f_a/∂t ≠ 0), y2' = 2·y1·y1' + cos t.
 */
function bernoulliDae(a: readonly number[]) {
  const B = a.length;
  const mass = new Float64Array(2 * B);
  mass.fill(1, 0, B);
  const term: JacobianTerm = {
    size: 2 * B,
    batch: B,
    mass,
    vf(t, y, out) {
      for (let b = 0; b < B; b++) {
        out[b] = -2 * y[b] + y[B + b] - Math.sin(t);
        out[B + b] = y[b] * y[b] + Math.sin(t) - y[B + b];
      }
    },
    jvp(_t, y, u, out) {
      for (let b = 0; b < B; b++) {
        out[b] = -2 * u[b] + u[B + b];
        out[B + b] = 2 * y[b] * u[b] - u[B + b];
      }
    },
  };
  const y1 = (t: number, a0: number) => 2 / (1 + (2 / a0 - 1) * Math.exp(2 * t));
  const exact = (t: number) => {
    const out = new Float64Array(2 * B);
    a.forEach((a0, b) => {
      out[b] = y1(t, a0);
      out[B + b] = y1(t, a0) ** 2 + Math.sin(t);
    });
    return out;
  };
  // Deliberately inconsistent algebraic start: 0 instead of a² + sin 0.
  const y0 = new Float64Array(2 * B);
  a.forEach((a0, b) => (y0[b] = a0));
  return { term, exact, y0, t1: 1 };
}

const problem = bernoulliDae([0.5, 1.5]);
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
const fixed = (dt0: number): Pick<SolveOptions, 'controller'> => ({ controller: { controller: constant, settings: { dt0 } } });
const adaptive = (tol: number): Pick<SolveOptions, 'controller'> => ({ controller: { controller: pi, settings: { rtol: tol, atol: tol } } });
const run = (solver: Solver, options: Partial<SolveOptions>, term: JacobianTerm = problem.term) =>
  solve(term, solver, { t0: 0, t1: problem.t1, y0: problem.y0, ...options });

function slope(steps: readonly number[], errors: readonly number[]): number {
  const xs = steps.map(Math.log);
  const ys = errors.map(Math.log);
  const mx = xs.reduce((a, b) => a + b) / xs.length;
  const my = ys.reduce((a, b) => a + b) / ys.length;
  return xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
}

describe.each(implicitSolvers.map((s) => [s.name, s] as const))('%s on an index-1 DAE', (_name, solver) => {
  it('converges at its declared order on fixed grids, in the differential and the algebraic entries', () => {
    const steps = [20, 40, 80, 160];
    const exact = problem.exact(problem.t1);
    const B = problem.term.batch;
    const finals = steps.map((n) => run(solver, fixed(problem.t1 / n)).yFinal);
    const differential = finals.map((y) => maxAbs(y.subarray(0, B), exact.subarray(0, B)));
    const algebraic = finals.map((y) => maxAbs(y.subarray(B), exact.subarray(B)));
    for (const errors of [differential, algebraic]) {
      expect(Math.abs(slope(steps.map((n) => 1 / n), errors) - solver.meta.order), errors.join(', ')).toBeLessThanOrEqual(0.2);
    }
  });

  it('starts from consistent values, reports them at t0, and meets the tolerance adaptively (dense output too)', () => {
    const saveAt = [0, 0.013, 0.25, 0.5, 0.77, 1];
    const tol = 1e-7;
    const solution = run(solver, { ...adaptive(tol), saveAt });
    const B = problem.term.batch;
    // y2(0) = a² + sin 0, not the 0 the input held.
    expect(Array.from(solution.ys[0])).toEqual([0.5, 1.5, 0.25, 2.25]);
    // Per-step control: the global error is a few hundred tolerances at most here (see errorPerTolerance).
    solution.ts.forEach((t, k) => expect(maxAbs(solution.ys[k], problem.exact(t)), `t = ${t}`).toBeLessThan(solver.meta.tolerance.errorPerTolerance! * tol));
    // The algebraic entries stay on the constraint to Newton's tolerance (a fraction of tol) at step ends.
    const yT = solution.yFinal;
    for (let b = 0; b < B; b++) expect(Math.abs(yT[b] ** 2 + Math.sin(1) - yT[B + b])).toBeLessThan(tol);
  });

  it('gives the consistent derivative at t0, y2\' = 2·y1·y1\' + cos t, to the first-step heuristic only through the differential entries', () => {
    const state = solver.init(problem.term, 0, problem.y0, { options: {} }) as ImplicitState;
    const f0 = state.f0;
    [0.5, 1.5].forEach((a, b) => {
      const y1p = -2 * a + a * a;
      expect(f0[b]).toBeCloseTo(y1p, 10);
      expect(f0[2 + b]).toBeCloseTo(2 * a * y1p + 1, 6);
    });
    expect(Array.from(solver.initialDerivative!(state)!).slice(2)).toEqual([0, 0]);
    expect(Array.from(solver.consistentStart!(state)!)).toEqual([0.5, 1.5, 0.25, 2.25]);
  });

  it('solves the same steps with GMRES as with dense LU', () => {
    const dense = run(solver, fixed(0.05)).yFinal;
    const krylov = run(solver, { ...fixed(0.05), solverOptions: { denseLimit: 0 } }).yFinal;
    expect(maxAbs(krylov, dense)).toBeLessThan(1e-9);
  });
});

describe('algebraic entries are refused where they cannot be solved', () => {
  it('by explicit solvers, naming the entry and suggesting implicit ones', () => {
    for (const solver of [dopri5, rk4]) {
      const error = thrownBy(() => run(solver, solver.meta.adaptive ? adaptive(1e-6) : fixed(0.1)));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).code).toBe('algebraic-node');
      expect((error as ValidationError).message).toMatch(/row 1 .*bdf2/);
    }
  });

  it('without a Jacobian–vector product (no Newton, no constraint solve)', () => {
    const { jvp: _jvp, ...noJacobian } = problem.term;
    const error = thrownBy(() => run(bdf2, adaptive(1e-6), noJacobian as JacobianTerm));
    expect((error as KirchhoffError).code).toBe('algebraic-node');
  });

  it('with a mass other than 0 and 1, or one that differs between samples', () => {
    const half = { ...problem.term, mass: Float64Array.from([1, 1, 0.5, 0]) };
    expect((thrownBy(() => run(bdf2, adaptive(1e-6), half)) as KirchhoffError).code).toBe('invalid-term');
    // Independent samples share one pattern of Jacobian blocks, so their algebraic rows must agree.
    const mixed = { ...problem.term, jacobianStructure: { samples: 2, quadrature: 0 }, mass: Float64Array.from([1, 1, 1, 0]) };
    expect((thrownBy(() => run(bdf2, adaptive(1e-6), mixed)) as KirchhoffError).code).toBe('invalid-term');
  });

  it('when the constraint does not determine its entry (singular), naming it', () => {
    // 0 = y1 − 1: the algebraic entry y2 appears nowhere in its own constraint.
    const singular: JacobianTerm = {
      size: 2,
      batch: 1,
      mass: Float64Array.from([1, 0]),
      vf: (_t, y, out) => {
        out[0] = -y[0] + y[1];
        out[1] = y[0] - 1;
      },
      jvp: (_t, _y, u, out) => {
        out[0] = -u[0] + u[1];
        out[1] = u[0];
      },
    };
    const error = thrownBy(() => solve(singular, bdf2, { t0: 0, t1: 1, y0: Float64Array.from([1, 0]), ...adaptive(1e-6) })) as KirchhoffError;
    expect(error.code).toBe('singular-circuit');
    expect(error.message).toMatch(/row 1 \(sample 0\)/);
  });

  it('when the constraint has no solution: Newton failure at t0', () => {
    // 0 = 1 + y2²: no real root.
    const impossible: JacobianTerm = {
      size: 2,
      batch: 1,
      mass: Float64Array.from([1, 0]),
      vf: (_t, y, out) => {
        out[0] = -y[0];
        out[1] = 1 + y[1] * y[1];
      },
      jvp: (_t, y, u, out) => {
        out[0] = -u[0];
        out[1] = 2 * y[1] * u[1];
      },
    };
    const error = thrownBy(() => solve(impossible, trBdf2, { t0: 0, t1: 1, y0: Float64Array.from([1, 0.7]), ...adaptive(1e-6) })) as KirchhoffError;
    expect(error.code).toBe('newton-failure');
    expect(error.message).toMatch(/consistent initial values/);
  });
});
