import { KirchhoffError, solve, type JacobianTerm, type OdeTerm, type Solver, type SolveOptions } from '@kirchhoff/core';
import { createLinearRotationProblem, createLogisticProblem, type OdeProblem } from '@kirchhoff/core/testing';
import { describe, expect, it } from 'vitest';
import { backwardEuler, bdf2, constant, dopri5, pi, torchdiffeq, trapezoidal, trBdf2, type ImplicitState } from '../src/index';
import { thrownBy } from './helpers';

const implicitSolvers = [backwardEuler, trapezoidal, bdf2, trBdf2] as const;

/**
 * The suite's problems with their exact Jacobians: the rotation is linear and autonomous (J·u = f(u));
 * the logistic field r(t)·y·(1 − y/2) has ∂f/∂y = r(t)·(1 − y).
 */
function withJvp(problem: OdeProblem, jvp: JacobianTerm['jvp']): OdeProblem & { term: JacobianTerm } {
  const { term } = problem;
  return { ...problem, term: { size: term.size, batch: term.batch, vf: (t, y, out) => term.vf(t, y, out), withBatch: term.withBatch, jvp } };
}
const rotation = (() => {
  const p = createLinearRotationProblem();
  return withJvp(p, (t, _y, u, out) => p.term.vf(t, u, out));
})();
const logistic = withJvp(createLogisticProblem(), (t, y, u, out) => {
  for (let i = 0; i < y.length; i++) out[i] = (1 + 0.5 * Math.cos(t)) * (1 - y[i]) * u[i];
});

/** Counts Jacobian–vector products on the way through. */
function counting(term: JacobianTerm): JacobianTerm & { jvps: number } {
  const counted = {
    ...term,
    jvps: 0,
    jvp(t: number, y: Float64Array, u: Float64Array, out: Float64Array) {
      counted.jvps++;
      term.jvp(t, y, u, out);
    },
  };
  return counted;
}

/** Least-squares slope of log(error) against log(step). */
function slope(steps: readonly number[], errors: readonly number[]): number {
  const xs = steps.map(Math.log);
  const ys = errors.map(Math.log);
  const mx = xs.reduce((a, b) => a + b) / xs.length;
  const my = ys.reduce((a, b) => a + b) / ys.length;
  return xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
}

const adaptive = (tol: number): Pick<SolveOptions, 'controller'> => ({ controller: { controller: pi, settings: { rtol: tol, atol: tol } } });
const fixed = (dt0: number): Pick<SolveOptions, 'controller'> => ({ controller: { controller: constant, settings: { dt0 } } });
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
const endError = (solver: Solver, problem: OdeProblem, options: Partial<SolveOptions>) =>
  maxAbs(solve(problem.term, solver, { t0: problem.t0, t1: problem.t1, y0: problem.y0, ...options }).yFinal, problem.exact(problem.t1));

describe.each(implicitSolvers.map((s) => [s.name, s] as const))('%s with Newton on exact Jacobians', (_name, solver) => {
  it('converges at its declared order on fixed grids', () => {
    for (const problem of [rotation, logistic]) {
      const steps = [40, 80, 160, 320];
      const errors = steps.map((n) => endError(solver, problem, fixed((problem.t1 - problem.t0) / n)));
      expect(Math.abs(slope(steps.map((n) => 1 / n), errors) - solver.meta.order), `${problem.name}: ${errors.join(', ')}`).toBeLessThanOrEqual(0.2);
    }
  });

  it('solves the same implicit equations as fixed-point iteration, with dense LU and with GMRES', () => {
    const problem = logistic;
    const { jvp: _jvp, ...noJacobian } = problem.term;
    const run = (term: OdeTerm, options: Record<string, number> = {}) =>
      solve(term, solver, { t0: 0, t1: problem.t1, y0: problem.y0, solverOptions: options, ...fixed(0.05) }).yFinal;
    const dense = run(problem.term);
    // Each converges to Newton's own tolerance (3e-12 without a controller), over 60 steps.
    expect(maxAbs(run(problem.term, { denseLimit: 0 }), dense)).toBeLessThan(1e-9);
    expect(maxAbs(run(noJacobian), dense)).toBeLessThan(1e-9);
  });

  it('picks dense LU for small sample blocks and GMRES above denseLimit, or fixed-point iteration without a jvp', () => {
    const kind = (term: OdeTerm, options: Record<string, number>) =>
      (solver.init(term, 0, rotation.y0, { options }) as ImplicitState).linearSolver;
    expect(kind(rotation.term, {})).toBe('dense');
    // Three rows per sample: a block of 3 is above a limit of 2.
    expect(kind(rotation.term, { denseLimit: 2 })).toBe('krylov');
    expect(kind(rotation.term, { denseLimit: 3 })).toBe('dense');
    expect(kind(createLinearRotationProblem().term, {})).toBe('functional');
  });
});

describe('dense Jacobians', () => {
  it('are assembled from one product per node for the whole batch, and kept while Newton converges', () => {
    for (const batch of [1, 5]) {
      const base = createLinearRotationProblem({ batch });
      const term = counting({ ...base.term, jvp: (t, _y, u, out) => base.term.vf(t, u, out) });
      const solution = solve(term, bdf2, { t0: 0, t1: 1.5, y0: base.y0, ...adaptive(1e-6) });
      expect(solution.stats.acceptedSteps).toBeGreaterThan(20);
      // Three nodes: one assembly of three products serves every step of the linear problem.
      expect(term.jvps).toBe(3);
    }
  });

  it('skip quadrature entries, which the field never reads', () => {
    // y' = −y (per sample) with q' = y²: q is a running integral, the shape of the adjoint's gradients.
    const field = (y: Float64Array, out: Float64Array) => {
      out[0] = -3 * y[0] + y[1];
      out[1] = y[0] - 2 * y[1];
      out[2] = y[0] * y[0] + y[1] * y[1];
    };
    const jvp = (y: Float64Array, u: Float64Array, out: Float64Array) => {
      out[0] = -3 * u[0] + u[1];
      out[1] = u[0] - 2 * u[1];
      out[2] = 2 * y[0] * u[0] + 2 * y[1] * u[1];
    };
    const plain = counting({ size: 3, batch: 1, vf: (_t, y, out) => field(y, out), jvp: (_t, y, u, out) => jvp(y, u, out) });
    const structured = counting({ ...plain, jvp: (_t, y, u, out) => jvp(y, u, out), jacobianStructure: { samples: 1, quadrature: 1 } });
    const y0 = Float64Array.of(1, -1, 0);
    for (const solver of implicitSolvers) {
      const a = solve(plain, solver, { t0: 0, t1: 2, y0, ...fixed(0.05) });
      const b = solve(structured, solver, { t0: 0, t1: 2, y0, ...fixed(0.05) });
      expect(maxAbs(a.yFinal, b.yFinal), solver.name).toBeLessThan(1e-10);
    }
    // Newton's blocks leave the quadrature out: 2 unknowns fit a dense limit of 2, 3 do not.
    const kind = (term: OdeTerm) => (bdf2.init(term, 0, y0, { options: { denseLimit: 2 } }) as ImplicitState).linearSolver;
    expect(kind(structured)).toBe('dense');
    expect(kind(plain)).toBe('krylov');
  });
});

describe('the trapezoidal rule against ringing', () => {
  // y' = λ(y − cos t) with λ = −10⁶, starting 2 V off its slow solution: an initial layer of width 1e-6.
  const lambda = -1e6;
  const stiff: JacobianTerm = {
    size: 1,
    batch: 1,
    vf: (t, y, out) => void (out[0] = lambda * (y[0] - Math.cos(t))),
    jvp: (_t, _y, u, out) => void (out[0] = lambda * u[0]),
  };
  const h = 0.05;
  const times = Array.from({ length: 20 }, (_, i) => (i + 1) * h);

  it('damps the initial layer, where the plain rule rings with undamped amplitude', () => {
    // The plain trapezoidal rule on the same grid, written out: R(hλ) ≈ −1 keeps the layer alive.
    let y = 2;
    let plainWorst = 0;
    for (let n = 0; n < times.length; n++) {
      const t0 = n * h;
      const z = (h * lambda) / 2;
      y = ((1 + z) * y - z * (Math.cos(t0) + Math.cos(t0 + h))) / (1 - z);
      plainWorst = Math.max(plainWorst, Math.abs(y - Math.cos(t0 + h)));
    }
    // The layer's 1 V offset flips sign every step, R(hλ) = −0.99992.
    expect(plainWorst).toBeGreaterThan(0.99);
    const solution = solve(stiff, trapezoidal, { t0: 0, t1: 1, y0: Float64Array.of(2), saveAt: times, ...fixed(h) });
    // What is left is the rule's own O(h²) error on the slow solution.
    const worst = Math.max(...solution.ys.map((yt, i) => Math.abs(yt[0] - Math.cos(times[i]))));
    expect(worst).toBeLessThan(1e-3);
  });

  it('takes few adaptive steps through the layer and stays on the slow solution', () => {
    const solution = solve(stiff, trapezoidal, { t0: 0, t1: 1, y0: Float64Array.of(2), saveAt: times, ...adaptive(1e-6) });
    const worst = Math.max(...solution.ys.map((yt, i) => Math.abs(yt[0] - Math.cos(times[i]))));
    expect(worst).toBeLessThan(1e-5);
    expect(solution.stats.acceptedSteps + solution.stats.rejectedSteps).toBeLessThan(300);
  });
});

describe('Newton failure', () => {
  // An ideal relay, y' = −sign(y): y = 1 − t reaches 0 at t = 1. Its exact Jacobian is 0 and no
  // implicit step longer than |y| has a solution: the iterates oscillate across 0.
  const relay: JacobianTerm = {
    size: 1,
    batch: 1,
    vf: (_t, y, out) => void (out[0] = -Math.sign(y[0])),
    jvp: (_t, _y, _u, out) => void (out[0] = 0),
    describeIndex: () => 'relay node',
  };

  it.each(implicitSolvers.map((s) => [s.name, s] as const))('%s: ends at dtMin with the time, the step size and the node', (_name, solver) => {
    // torchdiffeq's controller accepts whatever it gets at dtMin: a failed step cannot be accepted.
    const controller = { controller: torchdiffeq, settings: { rtol: 1e-6, atol: 1e-6, dtMin: 1e-3 } };
    const error = thrownBy(() => solve(relay, solver, { t0: 0, t1: 2, y0: Float64Array.of(1), controller })) as KirchhoffError;
    expect(error).toBeInstanceOf(KirchhoffError);
    expect(error.code).toBe('newton-failure');
    expect(error.details.t as number).toBeGreaterThan(0.999);
    expect(error.details.t as number).toBeLessThan(1);
    expect(error.details.entry).toBe('relay node');
    expect(error.message).toMatch(/will not retry with a step smaller than dt = 0\.00(1|09)/);
  });

  it('ends a fixed-step solve at the step that fails', () => {
    const error = thrownBy(() => solve(relay, bdf2, { t0: 0, t1: 1.8, y0: Float64Array.of(1), ...fixed(0.3) })) as KirchhoffError;
    expect(error.code).toBe('newton-failure');
    expect(error.details.t).toBeCloseTo(0.9, 12);
    expect(error.message).toMatch(/will not retry with a step smaller than dt = 0\.(3|29999)/);
  });

  it('is rejected and retried with a smaller step when one exists', () => {
    // y' = −y³ from y = 10: a first step of 1 starts Newton from y0 + h·f0 = −990, where it cannot converge.
    const cubic: JacobianTerm = {
      size: 1,
      batch: 1,
      vf: (_t, y, out) => void (out[0] = -(y[0] ** 3)),
      jvp: (_t, y, u, out) => void (out[0] = -3 * y[0] * y[0] * u[0]),
    };
    for (const solver of implicitSolvers) {
      const controller = { controller: pi, settings: { rtol: 1e-8, atol: 1e-8, dt0: 1 } };
      const solution = solve(cubic, solver, { t0: 0, t1: 1, y0: Float64Array.of(10), controller });
      expect(solution.stats.rejectedSteps, solver.name).toBeGreaterThan(0);
      const exact = 10 / Math.sqrt(1 + 200);
      expect(Math.abs(solution.yFinal[0] - exact), solver.name).toBeLessThan(solver.meta.order === 1 ? 1e-4 : 1e-5);
    }
  });

  it('reports a singular Newton matrix', () => {
    // y' = y with h = 1: backward Euler's I − h·J is exactly 0.
    const growth: JacobianTerm = { size: 1, batch: 1, vf: (_t, y, out) => out.set(y), jvp: (_t, _y, u, out) => out.set(u) };
    const error = thrownBy(() => solve(growth, backwardEuler, { t0: 0, t1: 1, y0: Float64Array.of(1), ...fixed(1) })) as KirchhoffError;
    expect(error.code).toBe('newton-failure');
    expect(error.message).toMatch(/singular/);
  });

  it('names time, step size and node when the step underflows', () => {
    // The field turns NaN past t = 0.5: every stage beyond fails however short the step.
    const poisoned: JacobianTerm = {
      size: 2,
      batch: 1,
      vf: (t, y, out) => void ((out[0] = -y[0]), (out[1] = t > 0.5 ? Number.NaN : -y[1])),
      jvp: (_t, _y, u, out) => void ((out[0] = -u[0]), (out[1] = -u[1])),
    };
    const error = thrownBy(() => solve(poisoned, trapezoidal, { t0: 0, t1: 1, y0: Float64Array.of(1, 1), ...adaptive(1e-6) })) as KirchhoffError;
    expect(error.code).toBe('nonfinite-state');
    expect(error.details).toMatchObject({ index: 1, entry: 'row 1 (sample 0)' });
    expect(Math.abs((error.details.t as number) - 0.5)).toBeLessThan(1e-12);
    expect(error.message).toMatch(/ever smaller steps ended when the step underflowed .*dt = \d/);
    // Where the error estimate, not a failure, shrinks the step (y = −ln(1 − t) at t → 1), the code says so.
    const singular: OdeTerm = { size: 1, batch: 1, vf: (t, _y, out) => void (out[0] = 1 / (1 - t)) };
    const controller = { controller: torchdiffeq, settings: { rtol: 1e-6, atol: 1e-6 } };
    const underflow = thrownBy(() => solve(singular, dopri5, { t0: 0, t1: 2, y0: Float64Array.of(0), controller })) as KirchhoffError;
    expect(underflow.code).toBe('step-size-underflow');
    expect(underflow.message).toMatch(/last step size dt = \d/);
  });
});
