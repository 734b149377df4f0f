import { KirchhoffError } from '../errors';
import type { AdjointMethod, SliceForward, SliceProblem } from '../adjoint/adjoint-method';
import type { Model } from '../model/model';
import type { SolverSetup } from '../ode/config';
import type { SolveStats } from '../ode/solution';
import { flowLegs, flowSetup, flowState, type FlowDirection } from './flow';

export interface FlowGradientRequest {
  readonly model: Model;
  /** Node voltages where the flow starts (N·B, node-major). */
  readonly input: Float64Array;
  readonly batch: number;
  readonly method: AdjointMethod;
  readonly forward: SolverSetup;
  /** The adjoint solve's setup (continuous methods); default: the forward one. */
  readonly backward?: SolverSetup;
  /** Default `reverse` (training: data at T, flow back to the base at 0). */
  readonly direction?: FlowDirection;
  /** Error norm of the forward pass over (v, ℓ); default `tuple` (see `FlowRequest.norm`). */
  readonly norm?: 'tuple' | 'rms';
  /**
   * Returns L(v_end, ℓ_end) and writes ∂L/∂v_end (N·B) and ∂L/∂ℓ_end (B). ℓ_end is ℓ(T) for `forward` and
   * Δℓ = ℓ(0) for `reverse`.
   */
  readonly loss: (v: Float64Array, deltaLogp: Float64Array, gradV: Float64Array, gradLogp: Float64Array) => number;
}

export interface FlowGradientResult {
  readonly loss: number;
  /** Node voltages where the flow ends. */
  readonly final: Float64Array;
  /** ℓ where the flow ends. */
  readonly deltaLogp: Float64Array;
  /** dL/d(input). */
  readonly inputGradient: Float64Array;
  /** dL/dθ per slice (model order), per branch group, in the group's P×E layout. */
  readonly paramGradients: Float64Array[][];
  /** Per slice, in model order. */
  readonly forwardStats: SolveStats[];
  readonly backwardStats: SolveStats[];
}

/**
 * Loss and gradients of a CNF through a time-sliced model, by any registered adjoint method: each slice is
 * a `SliceProblem` whose term is the (v, ℓ) flow (`CnfDynamics`, whose vjp carries the second derivatives
 * of the trace), run in the flow's order; backward, the legs are walked in the opposite order and the
 * adjoint of (v, ℓ) passes through each boundary unchanged. The forward error norm is the tuple norm, and
 * the adjoint methods split y and a the same way (`normSegments`).
 */
export function flowGradient(request: FlowGradientRequest): FlowGradientResult {
  const { model, batch, method } = request;
  const direction = request.direction ?? 'reverse';
  const N = model.numNodes;
  const NB = N * batch;
  const forward = flowSetup(request.forward, N, request.norm);
  const backward = flowSetup(request.backward ?? request.forward, N, request.norm);
  const legs = flowLegs(model, batch, direction);
  const problems: SliceProblem[] = [];
  const forwards: SliceForward[] = [];
  let y = flowState(request.input, N, batch);
  for (const leg of legs) {
    const problem: SliceProblem = { term: leg.term, t0: leg.t0, t1: leg.t1, y0: y, forward, backward };
    const result = method.forward(problem);
    problems.push(problem);
    forwards.push(result);
    y = result.yEnd;
  }
  const final = y.slice(0, NB);
  const deltaLogp = y.slice(NB);
  const gradient = new Float64Array(NB + batch);
  const loss = request.loss(final, deltaLogp, gradient.subarray(0, NB), gradient.subarray(NB));
  if (!Number.isFinite(loss)) throw new KirchhoffError('nonfinite-loss', `the loss is ${loss}`);

  const paramGradients: Float64Array[][] = new Array(model.slices.length);
  const forwardStats: SolveStats[] = new Array(model.slices.length);
  const backwardStats: SolveStats[] = new Array(model.slices.length);
  let a: Float64Array = gradient;
  for (let k = legs.length - 1; k >= 0; k--) {
    const result = method.backward(problems[k], forwards[k], a);
    const slice = legs[k].slice;
    paramGradients[slice] = result.grads;
    forwardStats[slice] = forwards[k].stats;
    backwardStats[slice] = result.stats;
    a = result.aStart;
  }
  return { loss, final, deltaLogp, inputGradient: a.slice(0, NB), paramGradients, forwardStats, backwardStats };
}

/**
 * The generative model's negative log-likelihood, −mean_b[log N(z_b; 0, I) − Δℓ_b] (reference §7), for a
 * `reverse` flow that reached z with Δℓ = ∫₀ᵀ tr dt; writes its gradients in z and Δℓ.
 */
export function gaussianNll(
  z: Float64Array,
  deltaLogp: Float64Array,
  numNodes: number,
  batch: number,
  gradZ: Float64Array,
  gradLogp: Float64Array,
): number {
  const constant = 0.5 * numNodes * Math.log(2 * Math.PI);
  let sum = 0;
  for (let b = 0; b < batch; b++) {
    let sq = 0;
    for (let n = 0; n < numNodes; n++) sq += z[n * batch + b] * z[n * batch + b];
    sum += constant + 0.5 * sq + deltaLogp[b];
    gradLogp[b] = 1 / batch;
  }
  for (let i = 0; i < numNodes * batch; i++) gradZ[i] = z[i] / batch;
  return sum / batch;
}
