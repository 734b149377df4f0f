import type { SolverSetup } from '../ode/config';
import type { SolveStats } from '../ode/solution';
import type { DifferentiableTerm } from './differentiable-term';

/** One slice (one time interval with one circuit) as the gradient methods see it. */
export interface SliceProblem {
  readonly term: DifferentiableTerm;
  readonly t0: number;
  readonly t1: number;
  readonly y0: Float64Array;
  /** The forward solve's solver and settings. */
  readonly forward: SolverSetup;
  /** The backward (adjoint) solve's; continuous methods only, may differ from the forward one. */
  readonly backward: SolverSetup;
}

export interface SliceForward {
  /** y(t1). */
  readonly yEnd: Float64Array;
  readonly stats: SolveStats;
  /** Whatever the method keeps for its backward pass (nothing, checkpoints, a step tape). */
  readonly tape: unknown;
}

export interface SliceBackward {
  /** dL/dy(t0). */
  readonly aStart: Float64Array;
  /** dL/dθ for each of the term's parameter blocks. */
  readonly grads: Float64Array[];
  readonly stats: SolveStats;
}

/**
 * How gradients are computed, as a plugin (torchdiffeq's adjoint options, diffrax's `adjoint=`):
 * - `backsolve`: continuous adjoint, y re-integrated backward alongside a (the original code's way);
 * - `checkpointed`: continuous adjoint on the stored forward trajectory (no backward drift of y);
 * - `discrete`: reverse-mode through the solver's own steps (the exact gradient of the discrete model).
 * Each slice is integrated forward with `forward`, then the slices are walked back with `backward`.
 */
export interface AdjointMethod {
  readonly name: string;
  readonly meta: { readonly description: string; readonly continuous: boolean };
  forward(problem: SliceProblem): SliceForward;
  backward(problem: SliceProblem, forward: SliceForward, aEnd: Float64Array): SliceBackward;
}
