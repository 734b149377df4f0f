import { solve, type ControllerContext, type ControllerSettings, type StepDecision } from '@kirchhoff/core';
import { createLinearRotationProblem, createLogisticProblem } from '@kirchhoff/core/testing';
import { describe, expect, it } from 'vitest';
import { dopri5, torchdiffeq } from '../src/index';
import { arrayTerm, maxRelativeDifference } from './helpers';
import { torchdiffeqDopri5 } from './torchdiffeq-replica';

/**
 * Drives the controller by hand. With y0 = y1 = 0 and rtol = atol = 1 the error ratio equals
 * |yError|, so each call below feeds the ratio it names.
 */
function control(settings: Partial<ControllerSettings> = {}, span: { t0: number; t1: number } = { t0: 0, t1: 1 }) {
  const context: ControllerContext = {
    ...span,
    y0: new Float64Array(1),
    solverOrder: 5,
    errorOrder: 4,
    func: () => {
      throw new Error('a given first step needs no evaluation');
    },
    initialDerivative: () => {
      throw new Error('a given first step needs no evaluation');
    },
  };
  const running = torchdiffeq.start({ rtol: 1, atol: 1, dt0: 0.1, ...settings }, context);
  const zero = new Float64Array(1);
  const decision: StepDecision = { accept: false, nextT1: Number.NaN, errorRatio: Number.NaN };
  return {
    firstStepEnd: () => running.firstStepEnd(),
    adapt(t0: number, t1: number, ratio: number): StepDecision {
      running.adapt(t0, t1, zero, zero, Float64Array.of(ratio), decision);
      return { ...decision };
    },
  };
}

describe('torchdiffeq controller rules', () => {
  it('starts with the given first step, clamped into [dtMin, dtMax]', () => {
    expect(control({ dt0: 0.01 }).firstStepEnd()).toBe(0.01);
    expect(control({ dt0: 1, dtMax: 0.25 }).firstStepEnd()).toBe(0.25);
    expect(control({ dt0: 1e-9, dtMin: 1e-5 }).firstStepEnd()).toBe(1e-5);
    expect(control({ dt0: 0.01 }, { t0: 1, t1: 0 }).firstStepEnd()).toBe(1 - 0.01);
  });

  it('accepts r ≤ 1 and never shrinks dt after an acceptance with r < 1', () => {
    const c = control();
    c.firstStepEnd();
    const d = c.adapt(0, 0.1, 0.99);
    expect(d.accept).toBe(true);
    expect(d.nextT1).toBe(0.1 + 0.1);
    const grown = c.adapt(0.1, 0.2, 0.5);
    expect(grown.accept).toBe(true);
    expect(grown.nextT1).toBeCloseTo(0.2 + 0.1 * 0.9 * 0.5 ** -0.2, 15);
  });

  it('accepts r = 1 but then uses the shrink branch: dt·0.9', () => {
    const c = control();
    c.firstStepEnd();
    const d = c.adapt(0, 0.1, 1);
    expect(d.accept).toBe(true);
    expect(d.nextT1).toBeCloseTo(0.1 + 0.09, 15);
  });

  it('grows tenfold when r = 0 and never beyond ifactor or dtMax', () => {
    let c = control();
    c.firstStepEnd();
    expect(c.adapt(0, 0.1, 0).nextT1).toBeCloseTo(0.1 + 1, 15);
    c = control();
    c.firstStepEnd();
    expect(c.adapt(0, 0.1, 1e-30).nextT1).toBeCloseTo(0.1 + 1, 15);
    c = control({ dtMax: 0.5 });
    c.firstStepEnd();
    expect(c.adapt(0, 0.1, 0).nextT1).toBe(0.1 + 0.5);
  });

  it('rejects r > 1 and retries from t0 with dt·max(0.9·r^(−1/5), 0.2)', () => {
    let c = control();
    c.firstStepEnd();
    const d = c.adapt(0, 0.1, 2);
    expect(d.accept).toBe(false);
    expect(d.nextT1).toBeCloseTo(0.1 * 0.9 * 2 ** -0.2, 15);
    c = control();
    c.firstStepEnd();
    expect(c.adapt(0, 0.1, 1e6).nextT1).toBeCloseTo(0.1 * 0.2, 15);
  });

  it('always accepts a step of size dtMin, however large its error', () => {
    const c = control({ dt0: 0.1, dtMin: 0.1 });
    c.firstStepEnd();
    const d = c.adapt(0, 0.1, 50);
    expect(d.accept).toBe(true);
    expect(d.nextT1).toBeCloseTo(0.2, 15);
  });

  it('turns a non-finite error into a rejection and a retry with dt·dfactor (where torchdiffeq jumps to min_step)', () => {
    const c = control({ dtMin: 1e-3 });
    c.firstStepEnd();
    const d = c.adapt(0, 0.1, Number.NaN);
    expect(d.accept).toBe(false);
    expect(d.nextT1).toBeCloseTo(0.02, 15);
    expect(c.adapt(0, 0.02, Number.POSITIVE_INFINITY).nextT1).toBeCloseTo(0.004, 15);
  });

  it('takes safety, ifactor and dfactor as options', () => {
    const c = control({ options: { safety: 0.5, dfactor: 0.5 } });
    c.firstStepEnd();
    expect(c.adapt(0, 0.1, 1e6).nextT1).toBeCloseTo(0.05, 15);
    expect(torchdiffeq.check({ rtol: 1e-3, atol: 1e-3, options: { factor: 2 } }).map((i) => i.code)).toEqual(['unknown-option']);
  });
});

/** Compares a dopri5 + torchdiffeq solve against the replica, step for step. */
function expectReplica(
  run: ReturnType<typeof solve>,
  replica: ReturnType<typeof torchdiffeqDopri5>,
  firstStepGiven: boolean,
): void {
  const attempts = run.stats.acceptedSteps + run.stats.rejectedSteps;
  expect(attempts).toBe(replica.steps.length);
  expect(run.stats.rejectedSteps).toBe(replica.steps.filter((s) => !s.accepted).length);
  expect(run.stats.nfe).toBe(replica.nfe);
  expect(run.stats.nfe).toBe(1 + 6 * attempts + (firstStepGiven ? 0 : 1));
  run.ys.forEach((y, i) => expect(maxRelativeDifference(y, replica.outputs[i])).toBeLessThan(1e-13));
}

describe('dopri5 under the torchdiffeq controller reproduces torchdiffeq 0.2.5', () => {
  it('on dy/dt = −y with the MNIST settings (tol 1e-3, first step 1e-2, min step 1e-5)', () => {
    const term = arrayTerm(1, (_t, y) => [-y[0]]);
    const settings = { rtol: 1e-3, atol: 1e-3, dt0: 1e-2, dtMin: 1e-5 };
    const run = solve(term, dopri5, { t0: 0, t1: 1, y0: Float64Array.of(1), controller: { controller: torchdiffeq, settings } });
    const replica = torchdiffeqDopri5((_t, y) => [-y[0]], 0, [1], [1], { rtol: 1e-3, atol: 1e-3, firstStep: 1e-2, minStep: 1e-5 });
    expectReplica(run, replica, true);
    expect(run.stats.rejectedSteps).toBe(0);
  });

  it('on a batched nonlinear problem with the first-step heuristic (one extra evaluation)', () => {
    const problem = createLogisticProblem({ batch: 3 });
    const field = (t: number, y: number[]): number[] => {
      const out = new Float64Array(3);
      problem.term.vf(t, Float64Array.from(y), out);
      return Array.from(out);
    };
    const run = solve(problem.term, dopri5, {
      t0: 0,
      t1: 3,
      y0: problem.y0,
      saveAt: [0, 0.7, 2, 3],
      controller: { controller: torchdiffeq, settings: { rtol: 1e-6, atol: 1e-6 } },
    });
    const replica = torchdiffeqDopri5(field, 0, Array.from(problem.y0), [0.7, 2, 3], { rtol: 1e-6, atol: 1e-6 });
    expect(run.ys[0]).toEqual(problem.y0);
    expect(run.ys[0]).not.toBe(problem.y0);
    expectReplica({ ...run, ys: run.ys.slice(1) }, replica, false);
  });

  it('through rejections after an oversized first step', () => {
    const problem = createLinearRotationProblem({ batch: 1 });
    const field = (t: number, y: number[]): number[] => {
      const out = new Float64Array(3);
      problem.term.vf(t, Float64Array.from(y), out);
      return Array.from(out);
    };
    const settings = { rtol: 1e-8, atol: 1e-8, dt0: 1 };
    const run = solve(problem.term, dopri5, { t0: 0, t1: 1.5, y0: problem.y0, controller: { controller: torchdiffeq, settings } });
    const replica = torchdiffeqDopri5(field, 0, Array.from(problem.y0), [1.5], { rtol: 1e-8, atol: 1e-8, firstStep: 1 });
    expect(run.stats.rejectedSteps).toBeGreaterThan(0);
    expectReplica(run, replica, true);
  });

  it('forcing acceptance at min_step on a fast mode, stepping past t1 and interpolating back', () => {
    const field = (_t: number, y: number[]): number[] => [-50 * y[0]];
    const settings = { rtol: 1e-10, atol: 1e-10, dt0: 0.01, dtMin: 0.01 };
    const ends: number[] = [];
    const run = solve(arrayTerm(1, field), dopri5, {
      t0: 0,
      t1: 0.105,
      y0: Float64Array.of(1),
      saveAt: [0.05, 0.105],
      controller: { controller: torchdiffeq, settings },
      onStep: (step) => ends.push(step.t1),
    });
    const replica = torchdiffeqDopri5(field, 0, [1], [0.05, 0.105], { rtol: 1e-10, atol: 1e-10, firstStep: 0.01, minStep: 0.01 });
    expect(replica.steps.every((s) => s.accepted && s.ratio > 1)).toBe(true);
    expect(run.stats.rejectedSteps).toBe(0);
    expectReplica(run, replica, true);
    expect(ends[ends.length - 1]).toBeGreaterThan(0.105);
    expect(run.ys[1][0]).toBeCloseTo(Math.exp(-50 * 0.105), 4);
  });

  it('in reverse time, as torchdiffeq does it by negating t and f', () => {
    const problem = createLogisticProblem({ batch: 1 });
    const f = (t: number, y: number): number => (1 + 0.5 * Math.cos(t)) * y * (1 - y / 2);
    const run = solve(problem.term, dopri5, {
      t0: 3,
      t1: 0,
      y0: Float64Array.of(1.7),
      saveAt: [1.2, 0],
      controller: { controller: torchdiffeq, settings: { rtol: 1e-7, atol: 1e-7 } },
    });
    const replica = torchdiffeqDopri5((tau, y) => [-f(-tau, y[0])], -3, [1.7], [-1.2, 0], { rtol: 1e-7, atol: 1e-7 });
    expectReplica(run, replica, false);
  });
});
