import { KirchhoffError } from '../errors';
import type { ConfiguredController, ControllerContext, StepDecision } from './controller';
import { massOf } from './jacobian';
import { firstNonFinite, largestChangeEntry, worstScaledEntry } from './norm';
import type { AcceptedStep } from './solution';
import type { InternalControl, Solver, StepFailure, StepResult } from './solver';
import type { OdeTerm } from './term';

/** One batch (or one sample) to integrate; built and validated by `solve`. */
export interface IntegrationRun {
  readonly term: OdeTerm;
  readonly solver: Solver;
  readonly t0: number;
  readonly t1: number;
  readonly y0: Float64Array;
  /** Output times in the direction of integration, ending with t1. */
  readonly targets: readonly number[];
  readonly controller: ConfiguredController | undefined;
  readonly internalControl: InternalControl | undefined;
  readonly solverOptions: Readonly<Record<string, unknown>>;
  readonly maxSteps: number;
  readonly onStep: ((step: AcceptedStep) => void) | undefined;
  readonly sample: number | undefined;
  /** Names a state entry of this run for error messages (in the caller's batch layout). */
  describe(index: number): string;
}

export interface IntegrationResult {
  /** The state at each target, freshly allocated. */
  readonly outputs: Float64Array[];
  readonly accepted: number;
  readonly rejected: number;
}

export function integrate(run: IntegrationRun): IntegrationResult {
  const bad = firstNonFinite(run.y0);
  if (bad >= 0) throw stop(run, 'nonfinite-state', 'the initial state is not finite', run.t0, 0, bad);
  return run.solver.meta.stepsInternally ? integrateInternally(run) : integrateStepwise(run);
}

/**
 * The controller-driven loop. Like torchdiffeq, it never shortens a step to land on an output time:
 * it steps past and reads the output from the step's dense output (a step that ends exactly on an
 * output time gives y1 itself).
 */
function integrateStepwise(run: IntegrationRun): IntegrationResult {
  const { term, solver, t0, t1, targets } = run;
  const configured = run.controller;
  if (!configured) throw new KirchhoffError('missing-controller', `solver '${solver.name}' needs a step controller`);
  const outputs: Float64Array[] = [];
  let k = 0;
  while (k < targets.length && targets[k] === t0) k++;
  if (k === targets.length && !massOf(term)) return { outputs: targets.map(() => run.y0.slice()), accepted: 0, rejected: 0 };

  const direction = t1 >= t0 ? 1 : -1;
  const { rtol, atol } = configured.settings;
  const tolerances = rtol !== undefined && atol !== undefined ? { tolerances: { rtol, atol } } : {};
  let state = solver.init(term, t0, run.y0, { options: run.solverOptions, ...tolerances });
  // A differential-algebraic solve starts from (and reports at t0) the consistent state init computed.
  const y0 = solver.consistentStart?.(state) ?? run.y0;
  for (let i = 0; i < k; i++) outputs[i] = y0.slice();
  if (k === targets.length) return { outputs, accepted: 0, rejected: 0 };
  let ownDerivative: Float64Array | undefined;
  const context: ControllerContext = {
    t0,
    t1,
    y0,
    solverOrder: solver.meta.order,
    errorOrder: solver.meta.errorOrder,
    func: (t, y, out) => solver.func(term, t, y, out),
    initialDerivative: () => {
      const reused = solver.initialDerivative?.(state);
      if (reused) return reused;
      if (!ownDerivative) {
        ownDerivative = new Float64Array(y0.length);
        solver.func(term, t0, y0, ownDerivative);
      }
      return ownDerivative;
    },
  };
  const control = configured.controller.start(configured.settings, context);
  const decision: StepDecision = { accept: false, nextT1: t1, errorRatio: Number.NaN };
  const record: AcceptedStep = { t0, t1, y0, y1: y0, dense: undefined, sample: run.sample };

  let tCur = t0;
  let y = y0;
  let tNext = control.firstStepEnd();
  let accepted = 0;
  let rejected = 0;
  let last: StepResult<unknown> | undefined;
  let lastDt = Number.NaN;
  // Why the most recent rejection happened: a failed step, or (undefined) the error estimate.
  let lastRejection: StepFailure | undefined;
  while (k < targets.length) {
    const attempts = accepted + rejected;
    if (!(direction * (tNext - tCur) > 0)) throw stepSizeCollapse(run, tCur, attempts, y, last, lastDt, lastRejection);
    if (attempts >= run.maxSteps) {
      throw stop(run, 'max-steps-exceeded', `no end after ${attempts} steps (maxSteps)`, tCur, attempts, worstEntry(run, y, last));
    }
    const result = solver.step(term, tCur, tNext, y, state);
    last = result;
    lastDt = Math.abs(tNext - tCur);
    control.adapt(tCur, tNext, y, result.y1, result.yError, decision);
    if (result.failure && decision.accept) {
      // A failed step has no result to accept: a fixed-step controller, or one already at dtMin, ends the solve.
      const { code, message, index } = result.failure;
      throw stop(run, code, `${message}, and the controller will not retry with a step smaller than dt = ${lastDt}`, tCur, attempts + 1, index);
    }
    if (!decision.accept) {
      lastRejection = result.failure;
      rejected++;
      tNext = decision.nextT1;
      continue;
    }
    accepted++;
    const nonFinite = firstNonFinite(result.y1);
    if (nonFinite >= 0) {
      throw stop(run, 'nonfinite-state', 'the state became non-finite', tNext, accepted + rejected, nonFinite);
    }
    while (k < targets.length && direction * (targets[k] - tNext) <= 0) {
      const out = new Float64Array(y.length);
      if (targets[k] === tNext) out.set(result.y1);
      else if (result.dense) result.dense.evaluate(targets[k], out);
      else throw new KirchhoffError('missing-dense-output', `solver '${solver.name}' stepped past t = ${targets[k]} without dense output`);
      outputs[k++] = out;
    }
    if (run.onStep) {
      record.t0 = tCur;
      record.t1 = tNext;
      record.y0 = y;
      record.y1 = result.y1;
      record.dense = result.dense;
      run.onStep(record);
    }
    tCur = tNext;
    y = result.y1;
    state = result.state;
    tNext = decision.nextT1;
  }
  return { outputs, accepted, rejected };
}

/** Solvers with their own error control go straight from one output time to the next. */
function integrateInternally(run: IntegrationRun): IntegrationResult {
  const { term, solver, t0, y0, targets } = run;
  if (!run.internalControl) {
    throw new KirchhoffError('missing-internal-control', `solver '${solver.name}' needs tolerances (internalControl)`);
  }
  let state = solver.init(term, t0, y0, { options: run.solverOptions, internalControl: run.internalControl });
  const record: AcceptedStep = { t0, t1: t0, y0, y1: y0, dense: undefined, sample: run.sample };
  const outputs: Float64Array[] = [];
  let tCur = t0;
  let y = y0;
  let accepted = 0;
  let rejected = 0;
  for (const target of targets) {
    if (target !== tCur) {
      const result = solver.step(term, tCur, target, y, state);
      accepted += result.internalSteps?.accepted ?? 1;
      rejected += result.internalSteps?.rejected ?? 0;
      const nonFinite = firstNonFinite(result.y1);
      if (nonFinite >= 0) throw stop(run, 'nonfinite-state', 'the state became non-finite', target, accepted + rejected, nonFinite);
      if (run.onStep) {
        record.t0 = tCur;
        record.t1 = target;
        record.y0 = y;
        record.y1 = result.y1;
        run.onStep(record);
      }
      tCur = target;
      y = result.y1;
      state = result.state;
    }
    outputs.push(y.slice());
  }
  return { outputs, accepted, rejected };
}

/** The controller asked for a step that no longer moves t: report why, preferring a non-finite cause. */
function stepSizeCollapse(
  run: IntegrationRun,
  t: number,
  attempts: number,
  y: Float64Array,
  last: StepResult<unknown> | undefined,
  lastDt: number,
  lastRejection: StepFailure | undefined,
): KirchhoffError {
  const size = `last step size dt = ${lastDt}`;
  if (lastRejection) {
    const { code, message, index } = lastRejection;
    return stop(run, code, `${message}, and retrying with ever smaller steps ended when the step underflowed (t + dt == t; ${size})`, t, attempts, index);
  }
  const nonFinite = last ? firstNonFinite(last.y1) : -1;
  if (nonFinite >= 0) {
    return stop(run, 'nonfinite-state', `steps keep producing non-finite values until the step size vanished (${size})`, t, attempts, nonFinite);
  }
  return stop(run, 'step-size-underflow', `the step size underflowed (t + dt == t; ${size})`, t, attempts, worstEntry(run, y, last));
}

function worstEntry(run: IntegrationRun, y: Float64Array, last: StepResult<unknown> | undefined): number {
  if (!last) return -1;
  const { rtol, atol } = run.controller?.settings ?? {};
  if (last.yError && rtol !== undefined && atol !== undefined) return worstScaledEntry(last.yError, y, last.y1, rtol, atol);
  return largestChangeEntry(y, last.y1);
}

function stop(run: IntegrationRun, code: string, reason: string, t: number, step: number, index: number): KirchhoffError {
  const entry = index >= 0 ? run.describe(index) : undefined;
  const where = run.sample === undefined ? '' : ` while solving sample ${run.sample} on its own`;
  return new KirchhoffError(
    code,
    `solve with '${run.solver.name}' stopped at t = ${t}, step ${step}${where}: ${reason}${entry ? `; worst entry: ${entry}` : ''}`,
    { t, step, index, entry, sample: run.sample },
  );
}
