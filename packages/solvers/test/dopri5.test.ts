import { solve } from '@kirchhoff/core';
import { createCubicDecayProblem, createLogisticProblem } from '@kirchhoff/core/testing';
import { describe, expect, it } from 'vitest';
import { constant, dopri5, torchdiffeq } from '../src/index';
import { maxRelativeDifference } from './helpers';


describe('dopri5', () => {
  it("uses Shampine's embedded weights, as torchdiffeq does", () => {
    expect(dopri5.tableau.errorWeights).toEqual([
      35 / 384 - 1951 / 21600,
      0,
      500 / 1113 - 22642 / 50085,
      125 / 192 - 451 / 720,
      -2187 / 6784 + 12231 / 42400,
      11 / 84 - 649 / 6300,
      -1 / 60,
    ]);
    expect(dopri5.meta.fsal).toBe(true);
  });

  it('reuses the last stage: one evaluation for f(t0, y0), then six per step', () => {
    const problem = createLogisticProblem();
    const run = solve(problem.term, dopri5, {
      t0: 0,
      t1: 1,
      y0: problem.y0,
      controller: { controller: constant, settings: { dt0: 0.1 } },
    });
    expect(run.stats).toEqual({ nfe: 1 + 6 * 10, acceptedSteps: 10, rejectedSteps: 0 });
  });

  it('gets more accurate, with more steps, as the tolerance falls', () => {
    for (const problem of [createLogisticProblem(), createCubicDecayProblem()]) {
      const exact = problem.exact(problem.t1);
      const runs = [1e-3, 1e-5, 1e-7, 1e-9].map((tol) =>
        solve(problem.term, dopri5, {
          t0: problem.t0,
          t1: problem.t1,
          y0: problem.y0,
          controller: { controller: torchdiffeq, settings: { rtol: tol, atol: tol } },
        }),
      );
      const errors = runs.map((run) => maxRelativeDifference(run.yFinal, exact));
      for (let i = 1; i < runs.length; i++) {
        expect(errors[i], `${problem.name}: ${errors.join(', ')}`).toBeLessThan(errors[i - 1] / 5);
        expect(runs[i].stats.acceptedSteps).toBeGreaterThan(runs[i - 1].stats.acceptedSteps);
      }
    }
  });

  it('under per-sample error control gives each sample the result it gets alone', () => {
    const batch = createLogisticProblem({ batch: 5 });
    const controller = { controller: torchdiffeq, settings: { rtol: 1e-3, atol: 1e-3, dt0: 1e-2 } };
    const span = { t0: 0, t1: 3, saveAt: [1, 3] };
    const perSample = solve(batch.term, dopri5, { ...span, y0: batch.y0, controller, errorControl: 'per-sample' });
    const shared = solve(batch.term, dopri5, { ...span, y0: batch.y0, controller });
    let nfe = 0;
    let differs = false;
    for (let s = 0; s < 5; s++) {
      const alone = solve(batch.term.withBatch!(1), dopri5, { ...span, y0: Float64Array.of(batch.y0[s]), controller });
      nfe += alone.stats.nfe;
      alone.ys.forEach((y, k) => {
        expect(perSample.ys[k][s]).toBe(y[0]);
        if (shared.ys[k][s] !== y[0]) differs = true;
      });
    }
    expect(perSample.stats.nfe).toBe(nfe);
    // With one step size for the whole batch, a sample's result depends on its neighbours.
    expect(differs).toBe(true);
  });
});
