import type { OptionSchema } from './options';
import type { OdeTerm } from './term';

/**
 * The solution inside one step. Valid only until the solver's next `step` call: it reads the step's
 * stage buffers, which the next step overwrites.
 */
export interface DenseOutput {
  readonly t0: number;
  readonly t1: number;
  /** Writes y(t) into `out` for t between t0 and t1 (either time direction). */
  evaluate(t: number, out: Float64Array): void;
}

/** What the conformance suite may expect of a solver, so that no test special-cases a solver by name. */
export interface SolverTolerance {
  /** Largest allowed distance between a fitted convergence slope and the declared order. */
  readonly orderSlack: number;
  /**
   * Adaptive solvers: with rtol = atol = tol on the suite's smooth problems, the global error stays
   * below `errorPerTolerance × tol`.
   */
  readonly errorPerTolerance?: number;
}

export interface SolverMeta {
  /** One line for `kirchhoff solvers`. */
  readonly description: string;
  /** Global order of the solution: error O(dt^order). */
  readonly order: number;
  /**
   * Order of the method behind `yError`: the local estimate scales like dt^(errorOrder+1). Below `order`
   * for embedded Runge–Kutta pairs, equal to it for methods that estimate their own local error.
   */
  readonly errorOrder?: number;
  /** Order of the dense interpolant: its local error scales like dt^(denseOrder+1). */
  readonly denseOrder?: number;
  /** Chooses its own step sizes from tolerances: through `yError` and a controller, or internally. */
  readonly adaptive: boolean;
  /** First same as last: the last stage of an accepted step is the first stage of the next. */
  readonly fsal?: boolean;
  /**
   * Integrates a whole interval per `step` call with its own error control (`InternalControl`);
   * such a solver takes no step controller and has no dense output.
   */
  readonly stepsInternally?: boolean;
  /**
   * Integrates index-1 differential-algebraic systems: terms whose `mass` marks algebraic entries (circuit
   * nodes without capacitance). `solve` refuses such terms for every other solver.
   */
  readonly algebraic?: boolean;
  /** The step controller configs get unless they name one (absent for solvers that step internally). */
  readonly defaultController?: string;
  readonly tolerance: SolverTolerance;
  /** Solver-specific options; any key not listed is rejected. */
  readonly options: OptionSchema;
  /** Where the method and its coefficients come from. */
  readonly citation?: string;
}

/** Tolerances and limits for a solver that steps internally (it owns its error control). */
export interface InternalControl {
  readonly rtol: number;
  readonly atol: number;
  readonly dt0?: number;
  readonly dtMax?: number;
  /** Budget of internal steps for the whole solve. */
  readonly maxSteps: number;
}

export interface SolverInitOptions {
  /** Solver options, already checked against `meta.options`. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Present exactly when the solver steps internally. */
  readonly internalControl?: InternalControl;
  /**
   * The step controller's tolerances, when it has them: implicit solvers stop their Newton iteration
   * at a fraction of these, so that its error stays below what the controller accepts.
   */
  readonly tolerances?: { readonly rtol: number; readonly atol: number };
}

/**
 * Why a step produced no usable result (an implicit solver's Newton iteration did not converge).
 * The loop rejects such a step whatever its error estimate says and asks for a smaller one.
 */
export interface StepFailure {
  /** Stable kebab-case code for the error raised if no smaller step is possible (`newton-failure`). */
  readonly code: string;
  readonly message: string;
  /** The state entry that failed worst (−1 if none stands out). */
  readonly index: number;
}

/**
 * One step's outcome. The object and its arrays belong to the solver and stay valid until its next
 * `step` call, which reuses them: read what you need, copy what you keep.
 */
export interface StepResult<S> {
  readonly y1: Float64Array;
  /** Local error estimate (adaptive solvers that do not step internally). */
  readonly yError?: Float64Array;
  /** Dense output over [t0, t1] (every solver that does not step internally). */
  readonly dense?: DenseOutput;
  /** The state to continue from if the step is accepted; on rejection keep using the old one. */
  readonly state: S;
  /** Solvers that step internally: the steps they took inside this call. */
  readonly internalSteps?: { readonly accepted: number; readonly rejected: number };
  /** Set when the step failed; y1 is then meaningless and yError is +∞, so any controller rejects it. */
  readonly failure?: StepFailure;
}

/**
 * A time stepper, diffrax-style: `init` allocates every buffer once, `step` advances t0 → t1 (t1 < t0
 * is reverse time) without tolerances or accept/reject logic — step controllers own those.
 * `step` never writes into `y0`, and allocates no arrays.
 */
export interface Solver<S = unknown> {
  /** Kebab-case id used by configs and the CLI. */
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly meta: SolverMeta;
  init(term: OdeTerm, t0: number, y0: Float64Array, options: SolverInitOptions): S;
  step(term: OdeTerm, t0: number, t1: number, y0: Float64Array, state: S): StepResult<S>;
  /** One vector-field evaluation, for step controllers that probe the field (first-step heuristics). */
  func(term: OdeTerm, t: number, y: Float64Array, out: Float64Array): void;
  /** f(t0, y0) if `init` already evaluated it (FSAL solvers), so a first-step heuristic need not pay again. */
  initialDerivative?(state: S): Float64Array | undefined;
  /**
   * Solvers of differential-algebraic systems: the consistent initial state `init` computed (y0 with its
   * algebraic entries solved from their constraints), which the solve then starts from and reports at t0.
   * Undefined when y0 needed no change (an ODE).
   */
  consistentStart?(state: S): Float64Array | undefined;
  /** Structural problems (for Runge–Kutta solvers: the tableau's conditions); empty when sound. */
  selfCheck?(): readonly string[];
}
