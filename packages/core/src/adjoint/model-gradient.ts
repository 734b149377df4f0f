import { KirchhoffError } from '../errors';
import { KclDynamics } from '../dynamics/kcl-dynamics';
import type { SolverSetup } from '../ode/config';
import type { SolveStats } from '../ode/solution';
import { sliceBoundaries, type Model } from '../model/model';
import type { AdjointMethod, SliceForward, SliceProblem } from './adjoint-method';

export interface GradientRequest {
  readonly model: Model;
  /** Initial voltages, node-major with the batch innermost. */
  readonly input: Float64Array;
  readonly batch: number;
  readonly method: AdjointMethod;
  readonly forward: SolverSetup;
  /** The adjoint solve's setup (continuous methods); default: the forward one. */
  readonly backward?: SolverSetup;
  /** Returns L(y(T)) and writes ∂L/∂y(T) into `grad`. */
  readonly loss: (yT: Float64Array, grad: Float64Array) => number;
}

export interface GradientResult {
  readonly loss: number;
  /** y(T). */
  readonly final: Float64Array;
  /** dL/dy(0). */
  readonly inputGradient: Float64Array;
  /** dL/dθ per slice, per branch group, in the group's P×E layout. */
  readonly paramGradients: Float64Array[][];
  readonly forwardStats: SolveStats[];
  readonly backwardStats: SolveStats[];
}

/**
 * Loss and gradients of a time-sliced model: slices forward in order, then backward in reverse order,
 * the adjoint passing through each slice boundary unchanged (the end state of one slice is the start
 * of the next, so dL/dy at the boundary is shared).
 */
export function modelGradient(request: GradientRequest): GradientResult {
  const { model, input, batch, method, forward } = request;
  const backward = request.backward ?? forward;
  if (input.length !== model.numNodes * batch) {
    throw new KirchhoffError('input-size', `input has ${input.length} values; expected ${model.numNodes} × ${batch}`);
  }
  const spans = sliceBoundaries(model);
  const problems: SliceProblem[] = [];
  const forwards: SliceForward[] = [];
  let y = input;
  model.slices.forEach((slice, i) => {
    const problem: SliceProblem = { term: new KclDynamics(slice.circuit, batch), t0: spans[i].t0, t1: spans[i].t1, y0: y, forward, backward };
    const result = method.forward(problem);
    problems.push(problem);
    forwards.push(result);
    y = result.yEnd;
  });
  const gradient = new Float64Array(y.length);
  const loss = request.loss(y, gradient);
  if (!Number.isFinite(loss)) throw new KirchhoffError('nonfinite-loss', `the loss is ${loss}`);

  const paramGradients: Float64Array[][] = new Array(model.slices.length);
  const backwardStats: SolveStats[] = new Array(model.slices.length);
  let a: Float64Array = gradient;
  for (let i = model.slices.length - 1; i >= 0; i--) {
    const result = method.backward(problems[i], forwards[i], a);
    paramGradients[i] = result.grads;
    backwardStats[i] = result.stats;
    a = result.aStart;
  }
  return { loss, final: y, inputGradient: a, paramGradients, forwardStats: forwards.map((f) => f.stats), backwardStats };
}
