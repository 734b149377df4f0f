import {
  checkControllerSettings,
  type ControllerContext,
  type StepControl,
  type StepController,
  type StepDecision,
} from '@kirchhoff/core';

/** Ratios within this relative distance of a whole number count as that number, so 1.1/0.1 gives 11 steps, not 12. */
const GRID_SLACK = 1e-12;

/** Number of equal steps of at most dt0 that span [t0, t1]. */
export function constantStepCount(t0: number, t1: number, dt0: number): number {
  const ratio = Math.abs(t1 - t0) / dt0;
  return Math.max(1, Math.ceil(ratio * (1 - GRID_SLACK)));
}

/**
 * A fixed grid: n = ceil(|t1 − t0| / dt0) equal steps, so the last step ends on t1 exactly.
 * Every step is accepted; output times between grid points come from the solver's dense output.
 */
class ConstantControl implements StepControl {
  private readonly steps: number;
  private taken = 0;

  constructor(
    private readonly context: ControllerContext,
    dt0: number,
  ) {
    this.steps = constantStepCount(context.t0, context.t1, dt0);
  }

  firstStepEnd(): number {
    return this.gridPoint(1);
  }

  adapt(_t0: number, _t1: number, _y0: Float64Array, _y1: Float64Array, _yError: Float64Array | undefined, decision: StepDecision): void {
    this.taken++;
    decision.accept = true;
    decision.errorRatio = Number.NaN;
    decision.nextT1 = this.gridPoint(Math.min(this.taken + 1, this.steps));
  }

  private gridPoint(i: number): number {
    const { t0, t1 } = this.context;
    return i === this.steps ? t1 : t0 + (t1 - t0) * (i / this.steps);
  }
}

export const constant: StepController = {
  name: 'constant',
  aliases: ['fixed'],
  meta: {
    description: 'Fixed step: ceil(|t1 − t0| / dt0) equal steps that end exactly on t1',
    adaptive: false,
    requiresDt0: true,
    options: {},
  },
  check(settings, where = 'controller') {
    return checkControllerSettings(constant.meta, settings, where);
  },
  start(settings, context) {
    return new ConstantControl(context, settings.dt0!);
  },
};
