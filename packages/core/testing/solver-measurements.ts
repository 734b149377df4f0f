import type { StepController } from '../src/ode/controller';
import { solve } from '../src/ode/solve';
import type { SolveOptions } from '../src/ode/solution';
import type { Solver } from '../src/ode/solver';
import type { OdeProblem } from './ode-problems';

/** Measurements the solver conformance suite makes; every one drives the solver through its public interface. */

export type Direction = 1 | -1;

/** Least-squares slope of log(error) against log(step): the empirical order. */
export function fittedSlope(steps: readonly number[], errors: readonly number[]): number {
  for (const e of errors) {
    if (!(Number.isFinite(e) && e > 0)) throw new Error(`cannot fit an order through error ${e} (errors: ${errors.join(', ')})`);
  }
  const xs = steps.map(Math.log);
  const ys = errors.map(Math.log);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let cov = 0;
  let variance = 0;
  for (let i = 0; i < xs.length; i++) {
    cov += (xs[i] - mx) * (ys[i] - my);
    variance += (xs[i] - mx) ** 2;
  }
  return cov / variance;
}

export function maxAbsDifference(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= worst)) worst = d;
  }
  return worst;
}

function interval(problem: OdeProblem, direction: Direction): { from: number; to: number; start: Float64Array; target: Float64Array } {
  return direction === 1
    ? { from: problem.t0, to: problem.t1, start: problem.y0, target: problem.exact(problem.t1) }
    : { from: problem.t1, to: problem.t0, start: problem.exact(problem.t1), target: problem.y0 };
}

/** Global error of n equal steps across the problem's interval, driving `step` by hand. */
export function fixedGridError(solver: Solver, problem: OdeProblem, n: number, direction: Direction): number {
  const { from, to, start, target } = interval(problem, direction);
  let state = solver.init(problem.term, from, start, { options: {} });
  let y = start;
  let t = from;
  for (let i = 1; i <= n; i++) {
    const next = i === n ? to : from + ((to - from) * i) / n;
    const result = solver.step(problem.term, t, next, y, state);
    y = result.y1;
    state = result.state;
    t = next;
  }
  return maxAbsDifference(y, target);
}

/** The state a little after t0, where every single-step measurement starts. */
function stepStart(problem: OdeProblem): { t: number; y: Float64Array } {
  const t = problem.t0 + 0.1 * (problem.t1 - problem.t0);
  return { t, y: problem.exact(t) };
}

/** Largest error of the dense output at interior points of one step of size h from the exact state. */
export function denseError(solver: Solver, problem: OdeProblem, h: number, direction: Direction): number {
  const { t, y } = stepStart(problem);
  const state = solver.init(problem.term, t, y, { options: {} });
  const result = solver.step(problem.term, t, t + direction * h, y, state);
  const out = new Float64Array(y.length);
  const exact = new Float64Array(y.length);
  let worst = 0;
  for (const theta of [0.3, 0.5, 0.8]) {
    const tm = t + theta * direction * h;
    result.dense!.evaluate(tm, out);
    problem.flow(t, y, tm, exact);
    worst = Math.max(worst, maxAbsDifference(out, exact));
  }
  return worst;
}

/** How far the dense output strays from y0 and y1 at the ends of one step, relative to the state size. */
export function denseEndMismatch(solver: Solver, problem: OdeProblem, h: number, direction: Direction): number {
  const { t, y } = stepStart(problem);
  const state = solver.init(problem.term, t, y, { options: {} });
  const t1 = t + direction * h;
  const result = solver.step(problem.term, t, t1, y, state);
  const out = new Float64Array(y.length);
  result.dense!.evaluate(t, out);
  const atStart = maxAbsDifference(out, y);
  result.dense!.evaluate(t1, out);
  const atEnd = maxAbsDifference(out, result.y1);
  const scale = Math.max(1, ...Array.from(y, Math.abs));
  return Math.max(atStart, atEnd) / scale;
}

/** RMS of the solver's own local error estimate over one step of size h. */
export function errorEstimate(solver: Solver, problem: OdeProblem, h: number, direction: Direction): number {
  const { t, y } = stepStart(problem);
  const state = solver.init(problem.term, t, y, { options: {} });
  const result = solver.step(problem.term, t, t + direction * h, y, state);
  const err = result.yError!;
  let sum = 0;
  for (let i = 0; i < err.length; i++) sum += err[i] * err[i];
  return Math.sqrt(sum / err.length);
}

/** Solve options that make an adaptive solver meet rtol = atol = tol, whichever way it controls steps. */
export function adaptiveControl(solver: Solver, controller: StepController | undefined, tol: number): Partial<SolveOptions> {
  if (solver.meta.stepsInternally) return { internalControl: { rtol: tol, atol: tol } };
  if (!controller) throw new Error(`solver '${solver.name}' needs a controller to run adaptively`);
  return { controller: { controller, settings: { rtol: tol, atol: tol } } };
}

/** Global error of an adaptive solve at tolerance tol, over an interior output time and the end. */
export function adaptiveError(
  solver: Solver,
  controller: StepController | undefined,
  problem: OdeProblem,
  tol: number,
  direction: Direction,
): number {
  const { from, to, start } = interval(problem, direction);
  const mid = from + 0.37 * (to - from);
  const solution = solve(problem.term, solver, { t0: from, t1: to, y0: start, saveAt: [mid, to], ...adaptiveControl(solver, controller, tol) });
  const exactMid = new Float64Array(start.length);
  const exactEnd = new Float64Array(start.length);
  problem.flow(from, start, mid, exactMid);
  problem.flow(from, start, to, exactEnd);
  return Math.max(maxAbsDifference(solution.ys[0], exactMid), maxAbsDifference(solution.ys[1], exactEnd));
}
