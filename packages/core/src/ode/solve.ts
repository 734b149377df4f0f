import { KirchhoffError, ValidationError } from '../errors';
import { withJacobianOf } from './jacobian';
import { integrate, type IntegrationResult, type IntegrationRun } from './integrate';
import { checkSolveOptions } from './solve-checks';
import { DEFAULT_MAX_STEPS, type Solution, type SolveOptions } from './solution';
import type { Solver } from './solver';
import { describeStateIndex, type OdeTerm } from './term';

/**
 * Integrates dy/dt = term.vf(t, y) from t0 to t1 (t1 < t0 runs in reverse time) with `solver`, under
 * `options.controller` or, for a solver that steps internally, `options.internalControl`.
 * Invalid options throw a `ValidationError` listing every problem; a NaN/Inf state, an exhausted
 * `maxSteps` or a vanishing step throws a `KirchhoffError` (`nonfinite-state`, `max-steps-exceeded`,
 * `step-size-underflow`) that names the time, the step and the worst state entry.
 */
export function solve(term: OdeTerm, solver: Solver, options: SolveOptions): Solution {
  const issues = checkSolveOptions(term, solver, options);
  if (issues.length) throw new ValidationError(issues);

  const { t0, t1 } = options;
  const saveAt = options.saveAt ?? [t1];
  const targets = saveAt.length > 0 && saveAt[saveAt.length - 1] === t1 ? saveAt : [...saveAt, t1];
  const counter = { nfe: 0 };
  const base: Omit<IntegrationRun, 'term' | 'y0' | 'sample' | 'describe'> = {
    solver,
    t0,
    t1,
    targets,
    controller: options.controller,
    internalControl: options.internalControl && { ...options.internalControl, maxSteps: options.maxSteps ?? DEFAULT_MAX_STEPS },
    solverOptions: options.solverOptions ?? {},
    maxSteps: options.maxSteps ?? DEFAULT_MAX_STEPS,
    onStep: options.onStep,
  };

  const result =
    options.errorControl === 'per-sample' && term.batch > 1
      ? solveEachSample(term, options.y0, base, counter)
      : integrate({
          ...base,
          term: countingTerm(term, counter),
          y0: options.y0,
          sample: undefined,
          describe: (i) => describeStateIndex(term, i),
        });

  return {
    ts: [...saveAt],
    ys: result.outputs.slice(0, saveAt.length),
    yFinal: result.outputs[targets.length - 1].slice(),
    stats: { nfe: counter.nfe, acceptedSteps: result.accepted, rejectedSteps: result.rejected },
  };
}

/** Per-sample error control: every sample gets its own solve, steps and error norm. */
function solveEachSample(
  term: OdeTerm,
  y0: Float64Array,
  base: Omit<IntegrationRun, 'term' | 'y0' | 'sample' | 'describe'>,
  counter: { nfe: number },
): IntegrationResult {
  const batch = term.batch;
  const rows = term.size / batch;
  const single = term.withBatch!(1);
  if (single.batch !== 1 || single.size !== rows) {
    throw new KirchhoffError(
      'invalid-term',
      `withBatch(1) returned a term of size ${single.size} and batch ${single.batch}; expected size ${rows} and batch 1`,
    );
  }
  const counted = countingTerm(single, counter);
  const outputs = base.targets.map(() => new Float64Array(term.size));
  const sampleY0 = new Float64Array(rows);
  let accepted = 0;
  let rejected = 0;
  for (let sample = 0; sample < batch; sample++) {
    for (let r = 0; r < rows; r++) sampleY0[r] = y0[r * batch + sample];
    const result = integrate({
      ...base,
      term: counted,
      y0: sampleY0,
      sample,
      describe: (i) => describeStateIndex(term, i * batch + sample),
    });
    result.outputs.forEach((out, k) => {
      for (let r = 0; r < rows; r++) outputs[k][r * batch + sample] = out[r];
    });
    accepted += result.accepted;
    rejected += result.rejected;
  }
  return { outputs, accepted, rejected };
}

/** The term seen by solvers and controllers: every evaluation counts towards `stats.nfe`. */
function countingTerm(term: OdeTerm, counter: { nfe: number }): OdeTerm {
  return withJacobianOf(term, {
    size: term.size,
    batch: term.batch,
    vf(t, y, out) {
      counter.nfe++;
      term.vf(t, y, out);
    },
    describeIndex: (i) => describeStateIndex(term, i),
  });
}
