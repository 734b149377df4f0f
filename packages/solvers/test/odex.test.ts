import { KirchhoffError, solve, ValidationError } from '@kirchhoff/core';
import { createCubicDecayProblem, createLogisticProblem } from '@kirchhoff/core/testing';
import { describe, expect, it } from 'vitest';
import { dopri5, odex, torchdiffeq } from '../src/index';
import { arrayTerm, maxRelativeDifference, thrownBy } from './helpers';


describe('odex', () => {
  it('agrees with dopri5 to 1e-8 on smooth nonlinear problems at tight tolerances, both directions', () => {
    for (const problem of [createLogisticProblem(), createCubicDecayProblem()]) {
      for (const [t0, t1] of [
        [problem.t0, problem.t1],
        [problem.t1, problem.t0],
      ]) {
        const y0 = t0 === problem.t0 ? problem.y0 : problem.exact(t0);
        const saveAt = [t0 + 0.4 * (t1 - t0), t1];
        const tight = { rtol: 1e-12, atol: 1e-12 };
        const reference = solve(problem.term, dopri5, { t0, t1, y0, saveAt, controller: { controller: torchdiffeq, settings: tight } });
        const run = solve(problem.term, odex, { t0, t1, y0, saveAt, internalControl: tight });
        run.ys.forEach((y, k) => expect(maxRelativeDifference(y, reference.ys[k])).toBeLessThan(1e-8));
        expect(run.stats.acceptedSteps).toBeGreaterThan(0);
        expect(run.stats.nfe).toBeGreaterThan(run.stats.acceptedSteps);
      }
    }
  });

  it('stops with max-steps-exceeded when its step budget runs out', () => {
    const problem = createLogisticProblem();
    const error = thrownBy(() =>
      solve(problem.term, odex, { t0: 0, t1: 3, y0: problem.y0, internalControl: { rtol: 1e-12, atol: 1e-12 }, maxSteps: 2 }),
    );
    expect(error).toBeInstanceOf(KirchhoffError);
    expect((error as KirchhoffError).code).toBe('max-steps-exceeded');
  });

  it('stops with nonfinite-state when the field turns NaN', () => {
    const term = arrayTerm(2, (t, y) => [t > 0.5 ? Number.NaN : -y[0], -y[1]]);
    const error = thrownBy(() => solve(term, odex, { t0: 0, t1: 1, y0: Float64Array.of(1, 1), internalControl: { rtol: 1e-6, atol: 1e-6 } }));
    expect((error as KirchhoffError).code).toBe('nonfinite-state');
    expect((error as KirchhoffError).details.entry).toBe('row 0 (sample 0)');
  });

  it('checks its options', () => {
    const problem = createLogisticProblem();
    const error = thrownBy(() =>
      solve(problem.term, odex, {
        t0: 0,
        t1: 1,
        y0: problem.y0,
        internalControl: { rtol: 1e-6, atol: 1e-6 },
        solverOptions: { maxExtrapolationColumns: 2 },
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      expect.objectContaining({ code: 'invalid-option', where: 'solverOptions.maxExtrapolationColumns' }),
    ]);
  });
});
