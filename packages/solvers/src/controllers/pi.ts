import { AdaptiveControl } from './adaptive-control';
import {
  checkControllerSettings,
  optionValue,
  firstStepSize,
  type ControllerContext,
  type ControllerSettings,
  type OptionSchema,
  type StepController,
  type StepDecision,
} from '@kirchhoff/core';

const options: OptionSchema = {
  safety: { description: 'safety factor on the optimal step', type: 'number', min: 0, exclusiveMin: true, max: 1, default: 0.9 },
  beta: { description: 'weight of the previous error (0 gives a plain I-controller)', type: 'number', min: 0, max: 0.2, default: 0.04 },
  facMin: { description: 'smallest step-size factor per step', type: 'number', min: 0, exclusiveMin: true, max: 1, default: 0.2 },
  facMax: { description: 'largest step-size factor per step', type: 'number', min: 1, default: 10 },
};

/**
 * The PI step-size controller of Hairer's DOPRI5 (Hairer, Nørsett & Wanner, Solving ODEs I,
 * §II.4; Gustafsson 1991): with k = errorOrder + 1 and r the RMS error ratio,
 * factor = r^(1/k − 0.75·β) · r_prev^(−β) / safety, bounded to [1/facMax, 1/facMin], dt ← dt/factor.
 * A step with r ≤ 1 is accepted (and may not grow dt right after a rejection); otherwise it is
 * rejected and retried with dt/min(1/facMin, r^(1/k − 0.75β)/safety). Unlike `torchdiffeq`, it
 * shortens the last step to land on t1 exactly. A step already at dtMin is accepted.
 */
class PiControl extends AdaptiveControl {
  private readonly safety: number;
  private readonly beta: number;
  private readonly expo: number;
  private readonly facc1: number;
  private readonly facc2: number;
  private previousRatio = 1e-4;
  private rejectedLast = false;
  private requestedMinimum = false;

  constructor(settings: ControllerSettings, context: ControllerContext) {
    super(settings, context, Math.abs(context.t1 - context.t0));
    this.safety = optionValue(options, settings.options, 'safety');
    this.beta = optionValue(options, settings.options, 'beta');
    this.expo = 1 / ((context.errorOrder ?? context.solverOrder - 1) + 1) - 0.75 * this.beta;
    this.facc1 = 1 / optionValue(options, settings.options, 'facMin');
    this.facc2 = 1 / optionValue(options, settings.options, 'facMax');
  }

  firstStepEnd(): number {
    const { context } = this;
    const first = firstStepSize(this.settings, context, this.norm);
    return this.stepEnd(context.t0, first);
  }

  adapt(t0: number, t1: number, y0: Float64Array, y1: Float64Array, yError: Float64Array | undefined, decision: StepDecision): void {
    const h = Math.abs(t1 - t0);
    // Whether this step was asked for at dtMin: measuring |t1 − t0| instead would miss steps that rounding
    // in t0 + dt, or the stretch onto t1, made a little longer than dtMin, and reject them forever.
    const atMinimum = this.requestedMinimum;
    const ratio = this.norm(yError!, y0, y1, this.rtol, this.atol);
    decision.errorRatio = ratio;
    if (!Number.isFinite(ratio)) {
      // A non-finite error cannot be scaled from: shrink as hard as allowed and retry.
      this.rejectedLast = true;
      decision.accept = atMinimum;
      decision.nextT1 = this.stepEnd(decision.accept ? t1 : t0, h / this.facc1);
      return;
    }
    const fac11 = Math.pow(ratio, this.expo);
    if (ratio <= 1 || atMinimum) {
      const factor = Math.max(this.facc2, Math.min(this.facc1, fac11 / Math.pow(this.previousRatio, this.beta) / this.safety));
      let next = h / factor;
      if (this.rejectedLast) next = Math.min(next, h);
      this.previousRatio = Math.max(ratio, 1e-4);
      this.rejectedLast = false;
      decision.accept = true;
      decision.nextT1 = this.stepEnd(t1, next);
    } else {
      this.rejectedLast = true;
      decision.accept = false;
      decision.nextT1 = this.stepEnd(t0, h / Math.min(this.facc1, fac11 / this.safety));
    }
  }

  /** End of a step of size dt (bounded to [dtMin, dtMax]) from `from`, stretched or cut to land on t1. */
  private stepEnd(from: number, dt: number): number {
    const bounded = Math.min(Math.max(dt, this.minStep), this.maxStep);
    this.requestedMinimum = bounded <= this.minStep;
    const remaining = Math.abs(this.context.t1 - from);
    return remaining <= 1.01 * bounded ? this.context.t1 : from + this.direction * bounded;
  }
}

export const pi: StepController = {
  name: 'pi',
  meta: {
    description: "Hairer's PI controller (DOPRI5): per-step rejection, lands on t1; for general use",
    adaptive: true,
    requiresDt0: false,
    options,
  },
  check(settings, where = 'controller') {
    return checkControllerSettings(pi.meta, settings, where);
  },
  start(settings, context) {
    return new PiControl(settings, context);
  },
};
