import { solve } from '../ode/solve';
import type { SliceForward, SliceProblem } from './adjoint-method';

/** The accepted forward steps of one slice: their start and end times and their start states. */
export interface StepTape {
  readonly starts: number[];
  readonly ends: number[];
  readonly states: Float64Array[];
}

/** Integrates a slice forward, keeping every accepted step (the last one may run past t1). */
export function forwardWithTape(problem: SliceProblem): SliceForward & { readonly tape: StepTape } {
  const { term, t0, t1, y0, forward } = problem;
  const tape: StepTape = { starts: [], ends: [], states: [] };
  const solution = solve(term, forward.solver, {
    ...forward.options,
    t0,
    t1,
    y0,
    onStep: (step) => {
      tape.starts.push(step.t0);
      tape.ends.push(step.t1);
      tape.states.push(step.y0.slice());
    },
  });
  return { yEnd: solution.yFinal, stats: solution.stats, tape };
}
