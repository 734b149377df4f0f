import { createRequire } from 'node:module';
import {
  describeStateIndex,
  firstNonFinite,
  KirchhoffError,
  optionValue,
  type InternalControl,
  type OdeTerm,
  type OptionSchema,
  type Solver,
  type StepResult,
} from '@kirchhoff/core';

/**
 * Everything Kirchhoff knows about the npm `odex` package (2.0.4) lives in this file.
 *
 * odex ships its TypeScript source next to the compiled CommonJS, and that source does not pass
 * strict type checking; importing it would make tsc check it as ours. So the module is loaded at
 * run time and the slice of its API used here is declared below.
 */
interface OdexResult {
  readonly y: number[];
  readonly outcome: number;
  readonly nStep: number;
  readonly nAccept: number;
  readonly nReject: number;
}

interface OdexIntegrator {
  absoluteTolerance: number;
  relativeTolerance: number;
  maxSteps: number;
  initialStepSize: number;
  maxStepSize: number;
  maxExtrapolationColumns: number;
  stepSizeSequence: number;
  stepSizeReductionFactor: number;
  solve(
    f: (x: number, y: number[]) => number[],
    x: number,
    y0: number[],
    xEnd: number,
    solOut?: (n: number, xOld: number, x: number, y: number[]) => boolean | void,
  ): OdexResult;
}

interface OdexModule {
  readonly Solver: new (n: number) => OdexIntegrator;
  readonly Outcome: { readonly MaxStepsExceeded: number };
}

const odexModule = createRequire(import.meta.url)('odex') as OdexModule;

const options: OptionSchema = {
  maxExtrapolationColumns: {
    description: 'columns of the extrapolation table (the order reaches twice this)',
    type: 'integer',
    min: 3,
    max: 15,
    default: 9,
  },
  stepSizeSequence: { description: "Hairer's step-number sequence 1–5 (1: 2, 4, 6, 8, …)", type: 'integer', min: 1, max: 5, default: 1 },
  stepSizeReductionFactor: {
    description: 'step-size factor after a stability failure',
    type: 'number',
    min: 0,
    exclusiveMin: true,
    max: 1,
    default: 0.5,
  },
};

/** One solve's odex integrator and buffers, built by `init`. */
export class OdexState {
  readonly outputs: readonly [Float64Array, Float64Array];
  /** odex passes plain arrays; these adapt them to the term's typed arrays. */
  readonly input: Float64Array;
  readonly derivative: Float64Array;
  /** Internal steps used so far in this solve, against `control.maxSteps`. */
  used = 0;
  readonly result: { y1: Float64Array; state: OdexState; internalSteps: { accepted: number; rejected: number } };

  constructor(
    readonly integrator: OdexIntegrator,
    readonly control: InternalControl,
    size: number,
  ) {
    this.outputs = [new Float64Array(size), new Float64Array(size)];
    this.input = new Float64Array(size);
    this.derivative = new Float64Array(size);
    this.result = { y1: this.outputs[0], state: this, internalSteps: { accepted: 0, rejected: 0 } };
  }
}

/**
 * Hairer & Wanner's ODEX (Gragg–Bulirsch–Stoer extrapolation with order and step control), through
 * the odex port. It steps internally: each `step` call integrates a whole interval under its own
 * error control, so it takes `InternalControl` instead of a step controller and has no dense output.
 * Its array-based API allocates on every evaluation: use it as an accurate reference, not for
 * large circuits.
 */
export const odex: Solver<OdexState> = {
  name: 'odex',
  aliases: ['gbs', 'ODEX'],
  meta: {
    description: 'ODEX extrapolation (Gragg–Bulirsch–Stoer), order up to 18, own error control; an accurate reference',
    order: 18,
    adaptive: true,
    stepsInternally: true,
    tolerance: { orderSlack: 0.2, errorPerTolerance: 100 },
    options,
    citation: 'Hairer, Nørsett & Wanner, Solving ODEs I, §II.9 (ODEX); npm odex 2.0.4 by C. Smith',
  },

  init(term, _t0, y0, init) {
    const control = init.internalControl;
    if (!control) throw new KirchhoffError('missing-internal-control', "solver 'odex' steps internally and needs rtol/atol");
    if (y0.length !== term.size) throw new KirchhoffError('invalid-initial-state', `y0 has ${y0.length} entries, the term ${term.size}`);
    const integrator = new odexModule.Solver(term.size);
    integrator.relativeTolerance = control.rtol;
    integrator.absoluteTolerance = control.atol;
    if (control.dt0 !== undefined) integrator.initialStepSize = control.dt0;
    integrator.maxStepSize = control.dtMax ?? 0;
    integrator.maxExtrapolationColumns = optionValue(options, init.options, 'maxExtrapolationColumns');
    integrator.stepSizeSequence = optionValue(options, init.options, 'stepSizeSequence');
    integrator.stepSizeReductionFactor = optionValue(options, init.options, 'stepSizeReductionFactor');
    const state = new OdexState(integrator, control, term.size);
    return state;
  },

  step(term: OdeTerm, t0: number, t1: number, y0: Float64Array, state: OdexState): StepResult<OdexState> {
    const { integrator, control, input, derivative, result } = state;
    const remaining = control.maxSteps - state.used;
    if (remaining <= 0) throw maxStepsError(t0, state);
    integrator.maxSteps = remaining;
    let reached = t0;
    const field = (x: number, y: number[]): number[] => {
      input.set(y);
      term.vf(x, input, derivative);
      const bad = firstNonFinite(derivative);
      if (bad >= 0) {
        // odex has no way to abort from the field, and a NaN error estimate sends it looping.
        throw new KirchhoffError(
          'nonfinite-state',
          `solve with 'odex' stopped at t = ${x}, after ${state.used} earlier internal steps: the vector field is not finite; worst entry: ${describeStateIndex(term, bad)}`,
          { t: x, step: state.used, index: bad, entry: describeStateIndex(term, bad) },
        );
      }
      return Array.from(derivative);
    };
    const outcome = integrator.solve(field, t0, Array.from(y0), t1, (_n, _xOld, x) => {
      reached = x;
    });
    state.used += outcome.nStep;
    if (outcome.outcome === odexModule.Outcome.MaxStepsExceeded) throw maxStepsError(reached, state);
    const y1 = y0 === state.outputs[0] ? state.outputs[1] : state.outputs[0];
    y1.set(outcome.y);
    result.y1 = y1;
    result.internalSteps.accepted = outcome.nAccept;
    result.internalSteps.rejected = outcome.nReject;
    return result;
  },

  func(term, t, y, out) {
    term.vf(t, y, out);
  },
};

function maxStepsError(t: number, state: OdexState): KirchhoffError {
  return new KirchhoffError(
    'max-steps-exceeded',
    `solve with 'odex' stopped at t = ${t}, step ${state.used}: no end after ${state.used} internal steps (maxSteps ${state.control.maxSteps})`,
    { t, step: state.used },
  );
}
