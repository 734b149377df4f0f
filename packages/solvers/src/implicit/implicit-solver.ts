import {
  KirchhoffError,
  massOf,
  type JacobianTerm,
  type OdeTerm,
  type Solver,
  type SolverInitOptions,
  type SolverTolerance,
  type StepFailure,
  type StepResult,
} from '@kirchhoff/core';
import { ConsistentStart } from './consistent-start';
import { HermiteDense } from './hermite';
import { Newton } from './newton';
import { createNewtonSystem, type NewtonSystem } from './newton-system';
import { FUNCTIONAL_ITERATION_FACTOR, implicitOptions, implicitSettings } from './options';

/** One step as a method sees it: a record the solver reuses, so stepping allocates nothing. */
export interface ImplicitStep {
  t0: number;
  t1: number;
  /** t1 − t0, signed. */
  h: number;
  y0: Float64Array;
  /** The derivative at t0: f(t0, y0) after `init`, afterwards the previous step's derivative at its end. */
  f0: Float64Array;
  /** The state one step back, at t0 − hPrev; meaningful only when hPrev ≠ 0. */
  yPrev: Float64Array;
  /** The previous accepted step (signed), 0 at the start of a solve. */
  hPrev: number;
  /** This attempt repeats one that the controller rejected. */
  retry: boolean;
  /** A vector and a flag the method carried over from the previous accepted step (zero and false at the start). */
  memory: Float64Array;
  flagged: boolean;
  /** What the method carries over to the next step if this one is accepted. */
  nextMemory: Float64Array;
  nextFlagged: boolean;
  /**
   * Outputs: y(t1), the derivative at t1 the next step starts from, and the local error estimate. On the
   * algebraic entries of a DAE, f1 is the derivative of the polynomial through the step's states (the
   * method's implied derivative where that is one), and the error estimate is set to 0 after `advance`.
   */
  y1: Float64Array;
  f1: Float64Array;
  yError: Float64Array;
}

/** Scratch and the Newton iteration a method works with; allocated once per solve. */
export class ImplicitWorkspace {
  readonly newton: Newton;
  readonly psi: Float64Array;
  readonly guess: Float64Array;
  readonly stage: Float64Array;
  readonly stageDerivative: Float64Array;
  readonly raw: Float64Array;
  /** State entries that are algebraic (mass 0), ascending; empty for an ODE. */
  readonly algebraic: Int32Array;
  /** Solves for consistent initial values when there are algebraic entries. */
  readonly consistentStart: ConsistentStart | null;

  constructor(term: OdeTerm, init: SolverInitOptions) {
    const settings = implicitSettings(init);
    const system = createNewtonSystem(term, settings);
    const budget = system.kind === 'functional' ? FUNCTIONAL_ITERATION_FACTOR * settings.newtonMaxIterations : settings.newtonMaxIterations;
    this.newton = new Newton(term, system, { ...settings, newtonMaxIterations: budget });
    const mass = system.mass;
    this.algebraic = mass ? Int32Array.from(mass.keys()).filter((i) => mass[i] === 0) : new Int32Array(0);
    // createNewtonSystem refuses algebraic entries on a term without jvp.
    this.consistentStart = mass && new ConsistentStart(term as JacobianTerm, mass, settings);
    const buffer = () => new Float64Array(term.size);
    this.psi = buffer();
    this.guess = buffer();
    this.stage = buffer();
    this.stageDerivative = buffer();
    this.raw = buffer();
  }
}

export interface ImplicitMethod {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly description: string;
  readonly citation: string;
  readonly order: number;
  /** The error estimate scales like h^(errorOrder+1): for these methods, their own local error. */
  readonly errorOrder: number;
  readonly denseOrder: number;
  readonly tolerance: SolverTolerance;
  /** Writes y1, f1 and yError; false when Newton failed (its `failure` says why). */
  advance(step: ImplicitStep, workspace: ImplicitWorkspace): boolean;
}

/** Per-solve state. Two alternate, so a rejected step leaves the history it started from intact. */
export class ImplicitState {
  readonly f0: Float64Array;
  readonly yPrev: Float64Array;
  hPrev = 0;
  readonly memory: Float64Array;
  flagged = false;

  constructor(
    readonly buffers: SolveBuffers,
    size: number,
  ) {
    this.f0 = new Float64Array(size);
    this.yPrev = new Float64Array(size);
    this.memory = new Float64Array(size);
  }

  /** How Newton's linear systems are solved in this solve (chosen by size in `init`). */
  get linearSolver(): NewtonSystem['kind'] {
    return this.buffers.workspace.newton.system.kind;
  }
}

interface MutableResult {
  y1: Float64Array;
  yError: Float64Array;
  dense: HermiteDense;
  state: ImplicitState;
  failure: StepFailure | undefined;
}

class SolveBuffers {
  readonly workspace: ImplicitWorkspace;
  readonly states: readonly [ImplicitState, ImplicitState];
  readonly outputs: readonly [Float64Array, Float64Array];
  readonly yError: Float64Array;
  readonly dense = new HermiteDense();
  readonly step: ImplicitStep;
  readonly result: MutableResult;
  /** DAEs: the consistent initial state, and f0 with its algebraic entries zeroed for the first-step heuristic. */
  readonly start: Float64Array | null;
  readonly heuristicDerivative: Float64Array | null;
  /** The last attempt's start, to tell a retry after rejection from a new step. */
  lastState: ImplicitState | undefined;
  lastT0 = Number.NaN;

  constructor(term: OdeTerm, init: SolverInitOptions) {
    const size = term.size;
    this.workspace = new ImplicitWorkspace(term, init);
    this.states = [new ImplicitState(this, size), new ImplicitState(this, size)];
    this.outputs = [new Float64Array(size), new Float64Array(size)];
    this.yError = new Float64Array(size);
    const [first] = this.states;
    this.step = {
      t0: 0,
      t1: 0,
      h: 0,
      y0: first.f0,
      f0: first.f0,
      yPrev: first.yPrev,
      hPrev: 0,
      retry: false,
      memory: first.memory,
      flagged: false,
      nextMemory: first.memory,
      nextFlagged: false,
      y1: first.f0,
      f1: first.f0,
      yError: this.yError,
    };
    this.result = { y1: this.outputs[0], yError: this.yError, dense: this.dense, state: first, failure: undefined };
    const algebraic = this.workspace.algebraic.length > 0;
    this.start = algebraic ? new Float64Array(size) : null;
    this.heuristicDerivative = algebraic ? new Float64Array(size) : null;
  }
}

export type ImplicitSolver = Solver<ImplicitState> & { readonly method: ImplicitMethod };

/**
 * An implicit one-step or two-step method as a solver: the controller owns step sizes and tolerances,
 * the method does its Newton iterations inside `step`, and a step whose Newton iteration fails is
 * returned with `failure` set (and an infinite error), so any controller rejects it and shrinks dt.
 */
export function implicitSolver(method: ImplicitMethod): ImplicitSolver {
  return {
    name: method.name,
    ...(method.aliases && { aliases: method.aliases }),
    method,
    meta: {
      description: method.description,
      order: method.order,
      errorOrder: method.errorOrder,
      denseOrder: method.denseOrder,
      adaptive: true,
      algebraic: true,
      defaultController: 'pi',
      tolerance: method.tolerance,
      options: implicitOptions,
      citation: method.citation,
    },

    init(term, t0, y0, init) {
      if (y0.length !== term.size) {
        throw new KirchhoffError('invalid-initial-state', `y0 has ${y0.length} entries, the term ${term.size}`);
      }
      const buffers = new SolveBuffers(term, init);
      const state = buffers.states[0];
      const { consistentStart, algebraic } = buffers.workspace;
      if (consistentStart && buffers.start && buffers.heuristicDerivative) {
        buffers.start.set(y0);
        consistentStart.solve(t0, buffers.start, state.f0);
        buffers.heuristicDerivative.set(state.f0);
        for (const i of algebraic) buffers.heuristicDerivative[i] = 0;
      } else term.vf(t0, y0, state.f0);
      return state;
    },

    consistentStart(state) {
      return state.buffers.start ?? undefined;
    },

    // Newton and its linear system were built in `init` for that term (its Jacobian structure sized
    // them), so steps use it: every caller steps with the term it initialised with.
    step(_term: OdeTerm, t0: number, t1: number, y0: Float64Array, state: ImplicitState): StepResult<ImplicitState> {
      const buffers = state.buffers;
      const { step, result, states, outputs } = buffers;
      const next = states[0] === state ? states[1] : states[0];
      step.t0 = t0;
      step.t1 = t1;
      step.h = t1 - t0;
      step.y0 = y0;
      step.f0 = state.f0;
      step.yPrev = state.yPrev;
      step.hPrev = state.hPrev;
      step.retry = buffers.lastState === state && buffers.lastT0 === t0;
      step.memory = state.memory;
      step.flagged = state.flagged;
      step.nextMemory = next.memory;
      step.nextFlagged = false;
      step.y1 = y0 === outputs[0] ? outputs[1] : outputs[0];
      step.f1 = next.f0;
      buffers.lastState = state;
      buffers.lastT0 = t0;
      buffers.workspace.newton.startStep();
      result.y1 = step.y1;
      result.state = next;
      if (method.advance(step, buffers.workspace)) {
        // Index 1: the algebraic entries are a function of the differential ones, solved to Newton's
        // tolerance; their error is the image of the differential error, so only that is controlled.
        for (const i of buffers.workspace.algebraic) step.yError[i] = 0;
        next.yPrev.set(y0);
        next.hPrev = step.h;
        next.flagged = step.nextFlagged;
        buffers.dense.reset(t0, t1, y0, step.y1, state.f0, next.f0);
        result.failure = undefined;
      } else {
        step.y1.fill(Number.NaN);
        step.yError.fill(Number.POSITIVE_INFINITY);
        result.failure = buffers.workspace.newton.failure;
      }
      return result;
    },

    // For a DAE the algebraic rows of vf are constraint residuals, not derivatives: the controllers' probes
    // (the first-step heuristic) see them as 0, and the differential rows alone choose the first step.
    func(term, t, y, out) {
      term.vf(t, y, out);
      const mass = massOf(term);
      if (mass) for (let i = 0; i < out.length; i++) if (mass[i] === 0) out[i] = 0;
    },

    initialDerivative(state) {
      if (state.hPrev !== 0) return undefined;
      return state.buffers.heuristicDerivative ?? state.f0;
    },
  };
}
