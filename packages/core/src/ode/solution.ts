import type { ConfiguredController } from './controller';
import type { DenseOutput, InternalControl } from './solver';

/**
 * `batch`: one step size and one error norm for the whole batch, as torchdiffeq does.
 * `per-sample`: every sample is solved on its own (`term.withBatch(1)`), so its result does not
 * depend on which other samples share the batch.
 */
export type ErrorControl = 'batch' | 'per-sample';

/**
 * An accepted step, handed to `onStep`. One record is reused for every step and its arrays are the
 * solver's working buffers: copy what you keep.
 */
export interface AcceptedStep {
  t0: number;
  t1: number;
  y0: Float64Array;
  y1: Float64Array;
  /** Absent for solvers that step internally. */
  dense: DenseOutput | undefined;
  /** The sample being solved under per-sample error control, otherwise undefined. */
  sample: number | undefined;
}

export interface SolveOptions {
  readonly t0: number;
  readonly t1: number;
  readonly y0: Float64Array;
  /**
   * Output times, ordered in the direction of integration (repeats allowed), within [t0, t1].
   * Default: [t1].
   */
  readonly saveAt?: readonly number[];
  /** Required unless the solver steps internally, which forbids it. */
  readonly controller?: ConfiguredController;
  /** Required by, and only allowed for, solvers that step internally. */
  readonly internalControl?: Omit<InternalControl, 'maxSteps'>;
  readonly solverOptions?: Readonly<Record<string, unknown>>;
  /** Limit on attempted steps (accepted + rejected) per solved batch or sample. Default 100 000. */
  readonly maxSteps?: number;
  readonly errorControl?: ErrorControl;
  readonly onStep?: (step: AcceptedStep) => void;
}

export interface SolveStats {
  /** Vector-field evaluations (summed over samples under per-sample error control). */
  readonly nfe: number;
  readonly acceptedSteps: number;
  readonly rejectedSteps: number;
}

export interface Solution {
  /** The output times (`saveAt`). */
  readonly ts: readonly number[];
  /** The state at each output time; fresh copies the caller owns. */
  readonly ys: Float64Array[];
  /** The state at t1 (its own copy). */
  readonly yFinal: Float64Array;
  readonly stats: SolveStats;
}

export const DEFAULT_MAX_STEPS = 100_000;
