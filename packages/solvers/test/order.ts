import { solve, type Solver } from '@kirchhoff/core';
import type { OdeProblem } from '@kirchhoff/core/testing';
import { constant } from '../src/index';
import { maxRelativeDifference } from './helpers';

/** Empirical global order of a solver on fixed grids driven through solve() and the constant controller. */
export function fixedStepOrder(solver: Solver, problem: OdeProblem, steps: readonly number[]): number {
  const exact = problem.exact(problem.t1);
  const errors = steps.map((dt0) => {
    const run = solve(problem.term, solver, {
      t0: problem.t0,
      t1: problem.t1,
      y0: problem.y0,
      controller: { controller: constant, settings: { dt0 } },
    });
    return maxRelativeDifference(run.yFinal, exact);
  });
  const xs = steps.map(Math.log);
  const ys = errors.map(Math.log);
  const mx = xs.reduce((a, b) => a + b) / xs.length;
  const my = ys.reduce((a, b) => a + b) / ys.length;
  const cov = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0);
  const variance = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  return cov / variance;
}
