import { rmsNorm, type ControllerContext, type ControllerSettings, type ErrorNorm, type StepControl, type StepDecision } from '@kirchhoff/core';

/** What every adaptive controller reads from its settings the same way: tolerances, step bounds, norm, direction. */
export abstract class AdaptiveControl implements StepControl {
  protected readonly rtol: number;
  protected readonly atol: number;
  protected readonly minStep: number;
  protected readonly maxStep: number;
  protected readonly norm: ErrorNorm;
  protected readonly direction: 1 | -1;

  constructor(
    protected readonly settings: ControllerSettings,
    protected readonly context: ControllerContext,
    defaultMaxStep: number,
  ) {
    this.rtol = settings.rtol!;
    this.atol = settings.atol!;
    this.minStep = settings.dtMin ?? 0;
    this.maxStep = settings.dtMax ?? defaultMaxStep;
    this.norm = settings.norm ?? rmsNorm;
    this.direction = context.t1 >= context.t0 ? 1 : -1;
  }

  abstract firstStepEnd(): number;
  abstract adapt(t0: number, t1: number, y0: Float64Array, y1: Float64Array, yError: Float64Array | undefined, decision: StepDecision): void;
}
