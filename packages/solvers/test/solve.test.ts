import {
  KirchhoffError,
  Registry,
  resolveSolverConfig,
  solve,
  ValidationError,
  type Issue,
  type OdeTerm,
  type Solver,
  type SolveOptions,
  type SolverConfig,
  type StepController,
} from '@kirchhoff/core';
import { createLinearRotationProblem, createLogisticProblem } from '@kirchhoff/core/testing';
import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { constant, dopri5, euler, odex, solvers, stepControllers, torchdiffeq } from '../src/index';
import { arrayTerm, thrownBy } from './helpers';

const adaptive = (settings: { rtol?: number; atol?: number; dt0?: number; dtMin?: number } = {}): SolveOptions['controller'] => ({
  controller: torchdiffeq,
  settings: { rtol: 1e-6, atol: 1e-6, ...settings },
});

function codeOf(action: () => unknown): string {
  const error = thrownBy(action);
  expect(error).toBeInstanceOf(KirchhoffError);
  return (error as KirchhoffError).code;
}

function issueCodes(action: () => unknown): string[] {
  const error = thrownBy(action);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues.map((issue) => issue.code);
}

/** Two nodes; node 1 (state entry 1) turns NaN once t passes 0.5. */
const poisoned = arrayTerm(2, (t, y) => [-y[0], t > 0.5 ? Number.NaN : -y[1]]);

describe('solve guards', () => {
  it('stops on a NaN state with nonfinite-state, naming time, step and entry', () => {
    const y0 = Float64Array.of(1, 1);
    // With dtMin the NaN step is eventually force-accepted past t = 0.5; without, dt shrinks until it
    // vanishes at the last good time (at most 0.5), and the NaN is still the cause named.
    for (const [controller, stuckBefore] of [
      [adaptive({ dtMin: 1e-3 }), false],
      [adaptive(), true],
    ] as const) {
      const error = thrownBy(() => solve(poisoned, dopri5, { t0: 0, t1: 1, y0, controller })) as KirchhoffError;
      expect(error.code).toBe('nonfinite-state');
      expect(error.details).toMatchObject({ entry: 'row 1 (sample 0)', index: 1 });
      expect((error.details.t as number) <= 0.5).toBe(stuckBefore);
      expect(error.details.step).toBeGreaterThan(0);
    }
    const fixed = { controller: constant, settings: { dt0: 0.1 } };
    expect(codeOf(() => solve(poisoned, euler, { t0: 0, t1: 1, y0, controller: fixed }))).toBe('nonfinite-state');
    expect(codeOf(() => solve(poisoned, dopri5, { t0: 0, t1: 1, y0: Float64Array.of(1, Number.NaN), controller: adaptive() }))).toBe(
      'nonfinite-state',
    );
  });

  it('stops after maxSteps attempted steps with max-steps-exceeded', () => {
    const problem = createLogisticProblem();
    const error = thrownBy(() =>
      solve(problem.term, dopri5, { t0: 0, t1: 3, y0: problem.y0, controller: adaptive({ rtol: 1e-10, atol: 1e-10 }), maxSteps: 5 }),
    ) as KirchhoffError;
    expect(error.code).toBe('max-steps-exceeded');
    expect(error.details.step).toBe(5);
    expect(error.details.entry).toMatch(/^logistic row 0 \(sample \d\)$/);
  });

  it('stops with step-size-underflow when the step shrinks to nothing', () => {
    // y = −ln(1 − t) has a singular slope at t = 1; steps shrink towards it until t + dt == t.
    const term = arrayTerm(1, (t) => [1 / (1 - t)]);
    expect(codeOf(() => solve(term, dopri5, { t0: 0, t1: 2, y0: Float64Array.of(0), controller: adaptive() }))).toBe('step-size-underflow');
  });
});

describe('solve options', () => {
  const problem = createLinearRotationProblem();
  const base = { t0: 0, t1: 1, y0: problem.y0, controller: adaptive() };

  it('saves copies at the requested times, t0 included, and y(t1) as yFinal', () => {
    const run = solve(problem.term, dopri5, { ...base, saveAt: [0, 0.5, 0.5, 1] });
    expect(run.ts).toEqual([0, 0.5, 0.5, 1]);
    expect(run.ys[0]).toEqual(problem.y0);
    expect(run.ys[0]).not.toBe(problem.y0);
    expect(run.ys[1]).toEqual(run.ys[2]);
    expect(run.ys[1]).not.toBe(run.ys[2]);
    expect(run.yFinal).toEqual(run.ys[3]);
    expect(run.yFinal).not.toBe(run.ys[3]);
    const early = solve(problem.term, dopri5, { ...base, saveAt: [0.25] });
    expect(early.ys).toHaveLength(1);
    expect(early.yFinal).toEqual(run.yFinal);
  });

  it('returns y0 without evaluating anything when t0 = t1', () => {
    const run = solve(problem.term, dopri5, { ...base, t1: 0 });
    expect(run.yFinal).toEqual(problem.y0);
    expect(run.stats).toEqual({ nfe: 0, acceptedSteps: 0, rejectedSteps: 0 });
  });

  it('reports each accepted step, contiguous from t0 to past t1', () => {
    const spans: [number, number][] = [];
    const run = solve(problem.term, dopri5, { ...base, onStep: (step) => spans.push([step.t0, step.t1]) });
    expect(spans).toHaveLength(run.stats.acceptedSteps);
    expect(spans[0][0]).toBe(0);
    spans.slice(1).forEach(([t0], i) => expect(t0).toBe(spans[i][1]));
    expect(spans[spans.length - 1][1]).toBeGreaterThanOrEqual(1);
  });

  it('rejects inconsistent inputs, listing every problem', () => {
    expect(issueCodes(() => solve(problem.term, dopri5, { ...base, y0: new Float64Array(2), saveAt: [0.5, 0.2] }))).toEqual([
      'invalid-initial-state',
      'invalid-save-times',
    ]);
    expect(issueCodes(() => solve(problem.term, dopri5, { ...base, saveAt: [1.5] }))).toEqual(['invalid-save-times']);
    expect(issueCodes(() => solve(problem.term, dopri5, { ...base, controller: undefined }))).toEqual(['missing-controller']);
    expect(issueCodes(() => solve(problem.term, euler, base))).toEqual(['controller-needs-error-estimate']);
    expect(issueCodes(() => solve(problem.term, odex, base))).toEqual(['controller-not-allowed', 'missing-internal-control']);
    expect(issueCodes(() => solve(problem.term, dopri5, { ...base, maxSteps: 0, controller: adaptive({ rtol: -1 }) }))).toEqual([
      'invalid-max-steps',
      'invalid-tolerance',
    ]);
    const noBatching: OdeTerm = { size: problem.term.size, batch: problem.term.batch, vf: problem.term.vf };
    expect(issueCodes(() => solve(noBatching, dopri5, { ...base, errorControl: 'per-sample' }))).toEqual(['per-sample-unsupported']);
  });

  it('runs the same solve in reverse time back to the start', () => {
    const forward = solve(problem.term, dopri5, { ...base, controller: adaptive({ rtol: 1e-10, atol: 1e-10 }) });
    const back = solve(problem.term, dopri5, { t0: 1, t1: 0, y0: forward.yFinal, controller: adaptive({ rtol: 1e-10, atol: 1e-10 }) });
    back.yFinal.forEach((v, i) => expect(v).toBeCloseTo(problem.y0[i], 8));
  });
});

const solverRegistry = new Registry<Solver>('solver', solvers);
const controllerRegistry = new Registry<StepController>('step controller', stepControllers);
const resolve = (config: SolverConfig) => resolveSolverConfig(config, solverRegistry, controllerRegistry);

function issues(config: SolverConfig): Issue[] {
  const result = resolve(config);
  if (E.isRight(result)) throw new Error(`expected issues for ${JSON.stringify(config)}`);
  return result.left;
}
const codes = (config: SolverConfig): string[] => issues(config).map((i) => `${i.code}@${i.where}`);

describe('resolveSolverConfig', () => {
  it('gives dopri5 the torchdiffeq controller with rtol = atol = 1e-6 by default', () => {
    const result = resolve({ name: 'dopri5' });
    expect(E.isRight(result) && result.right.options).toEqual({
      controller: { controller: controllerRegistry.byName('torchdiffeq'), settings: { rtol: 1e-6, atol: 1e-6 } },
      solverOptions: {},
      maxSteps: 100_000,
      errorControl: 'batch',
    });
  });

  it('carries the original MNIST settings through to a working solve', () => {
    const result = resolve({ name: 'Dopri5', rtol: 1e-3, atol: 1e-3, dt0: 1e-2, dtMin: 1e-5, errorControl: 'per-sample' });
    if (E.isLeft(result)) throw new Error(JSON.stringify(result.left));
    expect(result.right.solver.name).toBe('dopri5');
    expect(result.right.options.controller?.settings).toEqual({ rtol: 1e-3, atol: 1e-3, dt0: 1e-2, dtMin: 1e-5 });
    const problem = createLogisticProblem();
    const run = solve(problem.term, result.right.solver, { ...result.right.options, t0: 0, t1: 1, y0: problem.y0 });
    expect(run.stats.nfe).toBe(1 * 3 + 6 * (run.stats.acceptedSteps + run.stats.rejectedSteps));
  });

  it('needs dt0 for fixed-step solvers and refuses settings their controller would ignore', () => {
    expect(codes({ name: 'euler' })).toEqual(['missing-dt0@solver.dt0']);
    expect(codes({ name: 'rk4', dt0: 0.1, rtol: 1e-3, dtMin: 1e-4 })).toEqual(['unused-setting@solver.rtol', 'unused-setting@solver.dtMin']);
    const fixed = resolve({ name: 'rk4', dt0: 0.1 });
    expect(E.isRight(fixed) && fixed.right.options.controller?.controller.name).toBe('constant');
  });

  it('gives odex its tolerances directly and refuses a controller', () => {
    const result = resolve({ name: 'odex', rtol: 1e-9, dtMax: 0.5 });
    expect(E.isRight(result) && result.right.options).toMatchObject({ internalControl: { rtol: 1e-9, atol: 1e-6, dtMax: 0.5 } });
    expect(codes({ name: 'odex', controller: 'pi', dtMin: 0.1 })).toEqual([
      'controller-not-allowed@solver.controller',
      'unused-setting@solver.dtMin',
    ]);
  });

  it('collects every problem at once', () => {
    expect(codes({ name: 'dopri6', rtol: -1, atol: 0, maxSteps: 2.5, errorControl: 'sometimes', colour: 'red' } as unknown as SolverConfig)).toEqual([
      'unknown-setting@solver.colour',
      'invalid-tolerance@solver.rtol',
      'invalid-tolerance@solver.atol',
      'invalid-max-steps@solver.maxSteps',
      'invalid-error-control@solver.errorControl',
      'unknown-solver@solver.name',
    ]);
    expect(codes({ name: 'dopri5', dt0: 0, dtMin: 1, dtMax: 0.5, options: { first_step: 1 }, controllerOptions: { safety: 2, factor: 3 } })).toEqual([
      'invalid-step-size@solver.dt0',
      'unknown-option@solver.options.first_step',
      'invalid-step-size@solver.dtMin',
      'invalid-option@solver.controllerOptions.safety',
      'unknown-option@solver.controllerOptions.factor',
    ]);
  });

  it('names the known solvers and controllers when an id is unknown', () => {
    expect(issues({ name: 'rk45' })[0].message).toContain('known: backward-euler, bdf2, dopri5, euler, odex, rk4, tr-bdf2, trapezoidal, tsit5');
    expect(issues({ name: 'dopri5', controller: 'pid' })[0]).toMatchObject({
      code: 'unknown-step-controller',
      message: expect.stringContaining('known: constant, pi, torchdiffeq'),
    });
    expect(codes({ name: 'euler', controller: 'pi', dt0: 0.1 })).toEqual(['controller-needs-error-estimate@solver.controller']);
  });
});
