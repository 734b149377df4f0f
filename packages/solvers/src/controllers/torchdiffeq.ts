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
  ifactor: { description: 'largest growth of dt per step', type: 'number', min: 1, default: 10 },
  dfactor: { description: 'largest shrink of dt after a rejected step', type: 'number', min: 0, exclusiveMin: true, max: 1, default: 0.2 },
};

/**
 * torchdiffeq 0.2.5's adaptive step control (`RKAdaptiveStepsizeODESolver._adaptive_step`, with
 * min_step/max_step), reproduced decision for decision so that step sequences and NFE match the
 * original KirchhoffNet runs:
 * - one dt for the whole state; r = norm(err / (atol + rtol·max(|y0|, |y1|))), RMS by default;
 * - accept iff r ≤ 1, but always accept when dt ≤ dtMin and never when dt > dtMax;
 * - dt ← dt·min(ifactor, max(safety·r^(−1/order), f)), f = 1 if r < 1 else dfactor, ×ifactor if
 *   r = 0; dt is clamped to [dtMin, dtMax];
 * - one deliberate difference: a non-finite r (an attempt that overflowed) shrinks dt by dfactor and
 *   retries, where torchdiffeq drops dt to min_step (fatal when min_step = 0, and with min_step > 0 it
 *   force-accepts the non-finite state). Runs whose errors stay finite take the same steps;
 * - the first step is dt0, clamped, or Hairer's heuristic (one extra evaluation).
 * It never shortens a step to land on t1 or an output time: `solve` reads those from dense output.
 */
class TorchdiffeqControl extends AdaptiveControl {
  private readonly safety: number;
  private readonly ifactor: number;
  private readonly dfactor: number;
  /** The step size of the attempt in flight (a positive magnitude). */
  private dt = 0;

  constructor(settings: ControllerSettings, context: ControllerContext) {
    super(settings, context, Infinity);
    this.safety = optionValue(options, settings.options, 'safety');
    this.ifactor = optionValue(options, settings.options, 'ifactor');
    this.dfactor = optionValue(options, settings.options, 'dfactor');
  }

  firstStepEnd(): number {
    const { context } = this;
    const first = firstStepSize(this.settings, context, this.norm);
    this.dt = this.stepSizeAtStart(first);
    return context.t0 + this.direction * this.dt;
  }

  adapt(t0: number, t1: number, y0: Float64Array, y1: Float64Array, yError: Float64Array | undefined, decision: StepDecision): void {
    const dt = this.dt;
    const ratio = this.norm(yError!, y0, y1, this.rtol, this.atol);
    let accept = ratio <= 1;
    if (dt > this.maxStep) accept = false;
    if (dt <= this.minStep) accept = true;
    this.dt = this.stepSizeAtStart(this.clamp(this.optimalStepSize(dt, ratio)));
    decision.accept = accept;
    decision.errorRatio = ratio;
    decision.nextT1 = (accept ? t1 : t0) + this.direction * this.dt;
  }

  /** `_optimal_step_size`, except that a non-finite ratio shrinks by dfactor (see the class comment). */
  private optimalStepSize(dt: number, ratio: number): number {
    if (!Number.isFinite(ratio)) return dt * this.dfactor;
    if (ratio === 0) return dt * this.ifactor;
    const floor = ratio < 1 ? 1 : this.dfactor;
    return dt * Math.min(this.ifactor, Math.max(this.safety / Math.pow(ratio, 1 / this.context.solverOrder), floor));
  }

  private clamp(dt: number): number {
    return Math.min(Math.max(dt, this.minStep), this.maxStep);
  }

  /** What `_adaptive_step` does to dt before stepping: a non-finite dt becomes dtMin, then clamp. */
  private stepSizeAtStart(dt: number): number {
    return this.clamp(Number.isFinite(dt) ? dt : this.minStep);
  }
}

export const torchdiffeq: StepController = {
  name: 'torchdiffeq',
  aliases: ['torchdiffeq-0.2.5'],
  meta: {
    description: "torchdiffeq 0.2.5's dopri5 step control: batch-shared dt, RMS error, forced acceptance at dtMin, dense readout",
    adaptive: true,
    requiresDt0: false,
    options,
  },
  check(settings, where = 'controller') {
    return checkControllerSettings(torchdiffeq.meta, settings, where);
  },
  start(settings, context) {
    return new TorchdiffeqControl(settings, context);
  },
};
