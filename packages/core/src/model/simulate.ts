import { KirchhoffError } from '../errors';
import { KclDynamics } from '../dynamics/kcl-dynamics';
import type { SolverSetup } from '../ode/config';
import type { SolveStats } from '../ode/solution';
import { solve } from '../ode/solve';
import { sliceBoundaries, type Model } from './model';

export interface SimulationRequest {
  readonly model: Model;
  /** Initial voltages of nodes 1..N, node-major with the batch innermost (entry (n−1)·B + b). */
  readonly input: Float64Array;
  readonly batch: number;
  readonly setup: SolverSetup;
  /** Absolute times in [0, T], ascending. Default: the end of every slice. */
  readonly saveAt?: readonly number[];
}

export interface SimulationResult {
  readonly times: number[];
  /** The state at each save time, same layout as the input. */
  readonly states: Float64Array[];
  /** The state at the end of the last slice. */
  readonly final: Float64Array;
  readonly perSlice: SolveStats[];
}

/**
 * Runs a time-sliced model: slice i integrates its own circuit over [t_i, t_i + duration_i] from the
 * state slice i − 1 ended in. A save time on a boundary is read from the earlier slice's end, which is
 * the later slice's start: the two are the same state (up to the consistent values the later slice
 * computes for its nodes without capacitance, if it changes their branches).
 */
export function simulateModel(request: SimulationRequest): SimulationResult {
  const { model, input, batch, setup } = request;
  const size = model.numNodes * batch;
  if (input.length !== size) {
    throw new KirchhoffError('input-size', `input has ${input.length} values; expected ${model.numNodes} nodes × ${batch} samples = ${size}`);
  }
  const spans = sliceBoundaries(model);
  const end = spans[spans.length - 1].t1;
  const saveAt = request.saveAt ?? spans.map((s) => s.t1);
  saveAt.forEach((t, i) => {
    if (!(t >= 0 && t <= end)) throw new KirchhoffError('save-time-out-of-range', `save time ${t} is outside [0, ${end}]`);
    if (i > 0 && t < saveAt[i - 1]) throw new KirchhoffError('save-times-unordered', `save times must ascend: ${saveAt[i - 1]} then ${t}`);
  });

  const states: Float64Array[] = [];
  const perSlice: SolveStats[] = [];
  let y = input;
  // Save times at 0 go to the first slice's solve, which reports its start there: the input, or for a
  // circuit with nodes without capacitance, the input with those nodes' voltages made consistent.
  let next = 0;
  model.slices.forEach((slice, i) => {
    const { t0, t1 } = spans[i];
    const local: number[] = [];
    while (next < saveAt.length && saveAt[next] <= t1) local.push(saveAt[next++]);
    const term = new KclDynamics(slice.circuit, batch);
    const solution = solve(term, setup.solver, { ...setup.options, t0, t1, y0: y, saveAt: local });
    states.push(...solution.ys);
    perSlice.push(solution.stats);
    y = solution.yFinal;
  });
  return { times: [...saveAt], states, final: y, perSlice };
}
