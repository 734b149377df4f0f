import { KirchhoffError } from '../errors';
import { withNorm } from '../adjoint/setup-norm';
import { sliceBoundaries, type Model } from '../model/model';
import type { SolverSetup } from '../ode/config';
import { segmentedRmsNorm, type ErrorNorm } from '../ode/norm';
import type { SolveStats } from '../ode/solution';
import { solve } from '../ode/solve';
import { CnfDynamics } from './cnf-dynamics';

/**
 * Which way a flow runs through a time-sliced model:
 * - `forward` (sampling, the original's reverse=False): slices in order, each from its start to its end;
 *   from base samples z at t = 0 to samples x at T, with ℓ(T) = −∫₀ᵀ tr dt and log q(x) = log N(z) + ℓ(T);
 * - `reverse` (density evaluation and training, reverse=True): slices last to first, each from its end back
 *   to its start; from data x at T to z at 0, with Δℓ = ℓ(0) = ∫₀ᵀ tr dt and log q(x) = log N(z) − Δℓ.
 * ℓ starts at 0 (or the given `logp0`) and continues across slice boundaries.
 */
export type FlowDirection = 'forward' | 'reverse';

export interface FlowRequest {
  readonly model: Model;
  /** Node voltages where the flow starts (z for `forward`, x for `reverse`): node-major, batch innermost (N·B). */
  readonly input: Float64Array;
  readonly batch: number;
  readonly setup: SolverSetup;
  /** Default `forward`. */
  readonly direction?: FlowDirection;
  /**
   * Error norm over (v, ℓ): `tuple` (default) is the maximum of the RMS over v and the RMS over ℓ,
   * torchdiffeq's norm for the original's tuple state; `rms` is one RMS over the concatenated state.
   */
  readonly norm?: 'tuple' | 'rms';
  /** ℓ at the start (B values); default 0. */
  readonly logp0?: Float64Array;
}

export interface FlowResult {
  /** Node voltages where the flow ends (x for `forward`, z for `reverse`), N·B. */
  readonly final: Float64Array;
  /** ℓ where the flow ends (B values): ℓ(T) for `forward`, Δℓ = ℓ(0) for `reverse`. */
  readonly deltaLogp: Float64Array;
  /** Solver statistics per slice, in the order the slices were run. */
  readonly perSlice: SolveStats[];
}

/**
 * The tuple norm of a (v, ℓ) state for any batch size (so per-sample error control works too): the state
 * has N + 1 rows of B entries, ℓ the last; the result is max(RMS of the scaled v error, RMS of ℓ's).
 */
export function flowNorm(numNodes: number): ErrorNorm {
  const rows = numNodes + 1;
  const byBatch = new Map<number, ErrorNorm>();
  return (v, a, b, rtol, atol) => {
    const B = v.length / rows;
    if (!Number.isInteger(B)) throw new KirchhoffError('invalid-state', `a (v, ℓ) state of ${numNodes} nodes cannot have ${v.length} entries`);
    let norm = byBatch.get(B);
    if (!norm) {
      norm = segmentedRmsNorm([numNodes * B, B]);
      byBatch.set(B, norm);
    }
    return norm(v, a, b, rtol, atol);
  };
}

/** The setup with the (v, ℓ) norm installed, when `norm` is `tuple` and the setup has a controller. */
export function flowSetup(setup: SolverSetup, numNodes: number, norm: 'tuple' | 'rms' = 'tuple'): SolverSetup {
  return norm === 'tuple' ? { solver: setup.solver, options: withNorm(setup.options, flowNorm(numNodes)) } : setup;
}

/** The augmented start state (v, ℓ) of a flow. */
export function flowState(input: Float64Array, numNodes: number, batch: number, logp0?: Float64Array): Float64Array {
  const NB = numNodes * batch;
  if (input.length !== NB) {
    throw new KirchhoffError('input-size', `input has ${input.length} values; expected ${numNodes} nodes × ${batch} samples = ${NB}`);
  }
  if (logp0 && logp0.length !== batch) throw new KirchhoffError('input-size', `logp0 has ${logp0.length} values; expected ${batch}`);
  const y = new Float64Array(NB + batch);
  y.set(input);
  if (logp0) y.set(logp0, NB);
  return y;
}

/** One flow term per slice with its time span, in the order the flow runs them. */
export interface FlowLeg {
  readonly term: CnfDynamics;
  /** Where this leg starts and ends in time (t1 < t0 for `reverse`). */
  readonly t0: number;
  readonly t1: number;
  /** Index of the slice in the model. */
  readonly slice: number;
}

/** The legs of a flow: slices in order, or for `reverse` last to first, each from its end back to its start. */
export function flowLegs(model: Model, batch: number, direction: FlowDirection): FlowLeg[] {
  const spans = sliceBoundaries(model);
  const order = model.slices.map((_, i) => i);
  if (direction === 'reverse') order.reverse();
  return order.map((i) => {
    const { t0, t1 } = spans[i];
    const term = new CnfDynamics(model.slices[i].circuit, batch);
    return direction === 'forward' ? { term, t0, t1, slice: i } : { term, t0: t1, t1: t0, slice: i };
  });
}

/**
 * Integrates the (v, ℓ) flow through a time-sliced model in either direction: the CNF counterpart of
 * `simulateModel`. Any solver works (implicit ones get the exact Jacobian from `CnfDynamics.jvp`).
 */
export function simulateFlow(request: FlowRequest): FlowResult {
  const { model, batch } = request;
  const direction = request.direction ?? 'forward';
  const setup = flowSetup(request.setup, model.numNodes, request.norm);
  let y = flowState(request.input, model.numNodes, batch, request.logp0);
  const perSlice: SolveStats[] = [];
  for (const leg of flowLegs(model, batch, direction)) {
    const solution = solve(leg.term, setup.solver, { ...setup.options, t0: leg.t0, t1: leg.t1, y0: y });
    perSlice.push(solution.stats);
    y = solution.yFinal;
  }
  const NB = model.numNodes * batch;
  return { final: y.slice(0, NB), deltaLogp: y.slice(NB), perSlice };
}

/** log N(z; 0, I) of every sample of a node-major state z (N·B entries) into `out` (B entries). */
export function standardNormalLogDensity(z: Float64Array, numNodes: number, batch: number, out: Float64Array): Float64Array {
  const constant = -0.5 * numNodes * Math.log(2 * Math.PI);
  for (let b = 0; b < batch; b++) {
    let sq = 0;
    for (let n = 0; n < numNodes; n++) sq += z[n * batch + b] * z[n * batch + b];
    out[b] = constant - 0.5 * sq;
  }
  return out;
}

export interface LogDensityResult {
  /** log q(x) per sample. */
  readonly logq: Float64Array;
  /** The base point z reached at t = 0 (N·B). */
  readonly z: Float64Array;
  /** Δℓ = ∫₀ᵀ tr(∂f/∂v) dt per sample. */
  readonly deltaLogp: Float64Array;
  readonly perSlice: SolveStats[];
}

/** log q(x) of data x (N·B, at T) under the flow with a standard normal base at t = 0: log N(z) − Δℓ. */
export function flowLogDensity(request: Omit<FlowRequest, 'direction' | 'logp0'>): LogDensityResult {
  const { final: z, deltaLogp, perSlice } = simulateFlow({ ...request, direction: 'reverse' });
  const logq = standardNormalLogDensity(z, request.model.numNodes, request.batch, new Float64Array(request.batch));
  for (let b = 0; b < request.batch; b++) logq[b] -= deltaLogp[b];
  return { logq, z, deltaLogp, perSlice };
}
