import type { Issue } from '../errors';
import type { ErrorNorm } from './norm';
import type { OptionSchema } from './options';
import { checkOptions } from './options';

/** How a controller is configured for a solve. `rtol`/`atol`/`dtMin`/`dtMax` concern adaptive controllers only. */
export interface ControllerSettings {
  readonly rtol?: number;
  readonly atol?: number;
  /** First step (adaptive controllers: replaces the heuristic) or the fixed step (constant controller). */
  readonly dt0?: number;
  readonly dtMin?: number;
  readonly dtMax?: number;
  /**
   * Defaults to `rmsNorm` over the whole state. Under per-sample error control it is applied to one
   * sample's state at a time.
   */
  readonly norm?: ErrorNorm;
  /** Controller-specific options, checked against `meta.options`. */
  readonly options?: Readonly<Record<string, unknown>>;
}

export interface StepControllerMeta {
  readonly description: string;
  /** Reads the solver's error estimate and the tolerances; false for a fixed grid. */
  readonly adaptive: boolean;
  /** Cannot run without `dt0`. */
  readonly requiresDt0: boolean;
  readonly options: OptionSchema;
}

/** What a controller may use while it runs one solve. */
export interface ControllerContext {
  /** The whole integration interval; its sign gives the direction. */
  readonly t0: number;
  readonly t1: number;
  readonly y0: Float64Array;
  readonly solverOrder: number;
  readonly errorOrder?: number;
  /** One counted vector-field evaluation. */
  func(t: number, y: Float64Array, out: Float64Array): void;
  /** f(t0, y0), reusing the solver's own evaluation when it has one. */
  initialDerivative(): Float64Array;
}

/** The controller's verdict on one attempted step. A mutable record the loop passes in, so no step allocates. */
export interface StepDecision {
  accept: boolean;
  /** End of the next step to attempt; it starts at t1 if this one was accepted, else at t0. */
  nextT1: number;
  /** The error ratio behind the verdict (NaN when the controller does not measure one). */
  errorRatio: number;
}

/** One controller running one solve; created by `StepController.start`, which does all its allocation. */
export interface StepControl {
  /** End of the first step. */
  firstStepEnd(): number;
  adapt(
    t0: number,
    t1: number,
    y0: Float64Array,
    y1: Float64Array,
    yError: Float64Array | undefined,
    decision: StepDecision,
  ): void;
}

/** A step-size controller plugin (diffrax's `AbstractStepSizeController`): owns tolerances and accept/reject. */
export interface StepController {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly meta: StepControllerMeta;
  /** Every problem with `settings`; empty when they can run. `where` prefixes each issue's location. */
  check(settings: ControllerSettings, where?: string): Issue[];
  start(settings: ControllerSettings, context: ControllerContext): StepControl;
}

/** A controller together with its settings: what `solve` takes. */
export interface ConfiguredController {
  readonly controller: StepController;
  readonly settings: ControllerSettings;
}

/**
 * The checks every controller shares: positive finite tolerances and step bounds for adaptive ones,
 * a positive `dt0` where it is required, options against the schema.
 */
export function checkControllerSettings(meta: StepControllerMeta, settings: ControllerSettings, where: string): Issue[] {
  const issues: Issue[] = [];
  const positive = (key: 'rtol' | 'atol' | 'dt0' | 'dtMax', code: string): void => {
    const value = settings[key];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      issues.push({ code, message: `${key} must be a positive finite number, got ${value}`, where: `${where}.${key}` });
    }
  };
  if (meta.adaptive) {
    for (const key of ['rtol', 'atol'] as const) {
      if (settings[key] === undefined) {
        issues.push({ code: 'missing-tolerance', message: `an adaptive controller needs ${key}`, where: `${where}.${key}` });
      } else positive(key, 'invalid-tolerance');
    }
    positive('dtMax', 'invalid-step-size');
    const { dtMin } = settings;
    if (dtMin !== undefined && !(Number.isFinite(dtMin) && dtMin >= 0)) {
      issues.push({ code: 'invalid-step-size', message: `dtMin must be a finite number ≥ 0, got ${dtMin}`, where: `${where}.dtMin` });
    }
    if (dtMin !== undefined && settings.dtMax !== undefined && dtMin > settings.dtMax) {
      issues.push({
        code: 'invalid-step-size',
        message: `dtMin (${dtMin}) exceeds dtMax (${settings.dtMax})`,
        where: `${where}.dtMin`,
      });
    }
  }
  positive('dt0', 'invalid-step-size');
  if (meta.requiresDt0 && settings.dt0 === undefined) {
    issues.push({ code: 'missing-dt0', message: 'this controller needs a step size dt0', where: `${where}.dt0` });
  }
  issues.push(...checkOptions(meta.options, settings.options ?? {}, `${where}.options`));
  return issues;
}
