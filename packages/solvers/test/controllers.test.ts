import { solve, type ControllerContext, type StepDecision } from '@kirchhoff/core';
import { createLinearRotationProblem, createLogisticProblem } from '@kirchhoff/core/testing';
import { describe, expect, it } from 'vitest';
import { constant, constantStepCount, dopri5, euler, pi, tsit5 } from '../src/index';
import { arrayTerm, maxRelativeDifference } from './helpers';

describe('constant controller', () => {
  it('divides [t0, t1] into ceil(|t1 − t0| / dt0) equal steps', () => {
    expect(constantStepCount(0, 1, 0.25)).toBe(4);
    expect(constantStepCount(0, 1, 0.3)).toBe(4);
    expect(constantStepCount(0, 1.1, 0.1)).toBe(11);
    expect(constantStepCount(0, 0.3, 0.1)).toBe(3);
    expect(constantStepCount(0, 1, 2)).toBe(1);
    expect(constantStepCount(1, 0, 0.3)).toBe(4);
  });

  it('ends the last step exactly on t1, forward and backward', () => {
    for (const [t0, t1] of [
      [0, 1],
      [1, 0],
    ]) {
      const ends: number[] = [];
      solve(arrayTerm(1, () => [1]), euler, {
        t0,
        t1,
        y0: Float64Array.of(0),
        controller: { controller: constant, settings: { dt0: 0.3 } },
        onStep: (step) => ends.push(step.t1),
      });
      expect(ends).toHaveLength(4);
      expect(ends[3]).toBe(t1);
      ends.forEach((t, i) => expect(t).toBeCloseTo(t0 + ((t1 - t0) * (i + 1)) / 4, 15));
    }
  });

  it('reads output times between grid points from the dense output', () => {
    // Euler on dy/dt = 2t with dt = 0.5: y(0.5) = 0, y(1) = 0.5, linear in between.
    const run = solve(arrayTerm(1, (t) => [2 * t]), euler, {
      t0: 0,
      t1: 1,
      y0: Float64Array.of(0),
      saveAt: [0.25, 0.5, 0.75, 1],
      controller: { controller: constant, settings: { dt0: 0.5 } },
    });
    expect(run.ys.map((y) => y[0])).toEqual([0, 0, 0.25, 0.5]);
    expect(run.stats).toEqual({ nfe: 2, acceptedSteps: 2, rejectedSteps: 0 });
  });

  it('needs dt0', () => {
    expect(constant.check({}).map((issue) => issue.code)).toEqual(['missing-dt0']);
    expect(constant.check({ dt0: -1 }).map((issue) => issue.code)).toEqual(['invalid-step-size']);
  });
});

describe('pi controller', () => {
  it('accepts steps at dtMin even when t0 + dtMin rounds to slightly more than dtMin', () => {
    // Far from t = 0 the spacing of doubles (≈ 1e-13 near 1000) makes |t1 − t0| differ from dtMin.
    const problem = createLogisticProblem();
    const run = solve(problem.term, tsit5, {
      t0: 1000.1,
      t1: 1000.1 + 5e-4,
      y0: problem.y0,
      maxSteps: 200,
      // An unreachable tolerance: every step is accepted only because it is already at dtMin.
      controller: { controller: pi, settings: { rtol: 1e-30, atol: 1e-30, dt0: 1e-5, dtMin: 1e-5 } },
    });
    expect(run.stats.acceptedSteps).toBeGreaterThanOrEqual(50);
  });

  it('rejects an oversized first step, recovers, and lands exactly on t1', () => {
    const problem = createLinearRotationProblem();
    const ends: number[] = [];
    let lastY1 = new Float64Array(0);
    const run = solve(problem.term, tsit5, {
      t0: 0,
      t1: 1.5,
      y0: problem.y0,
      controller: { controller: pi, settings: { rtol: 1e-8, atol: 1e-8, dt0: 1.5 } },
      onStep: (step) => {
        ends.push(step.t1);
        lastY1 = step.y1.slice();
      },
    });
    expect(run.stats.rejectedSteps).toBeGreaterThan(0);
    expect(ends[ends.length - 1]).toBe(1.5);
    expect(run.yFinal).toEqual(lastY1);
    expect(maxRelativeDifference(run.yFinal, problem.exact(1.5))).toBeLessThan(1e-6);
  });

  it('gets more accurate as the tolerance falls, with either 5(4) pair, in both directions', () => {
    const problem = createLogisticProblem();
    for (const solver of [tsit5, dopri5]) {
      for (const [t0, t1] of [
        [0, 3],
        [3, 0],
      ]) {
        const y0 = problem.exact(t0);
        const exact = problem.exact(t1);
        const errors = [1e-4, 1e-6, 1e-8].map((tol) => {
          const run = solve(problem.term, solver, { t0, t1, y0, controller: { controller: pi, settings: { rtol: tol, atol: tol } } });
          return maxRelativeDifference(run.yFinal, exact);
        });
        expect(errors[1]).toBeLessThan(errors[0] / 10);
        expect(errors[2]).toBeLessThan(errors[1] / 10);
      }
    }
  });

  it('does not grow the step right after a rejection, and shrinks hard on a non-finite error', () => {
    const context: ControllerContext = {
      t0: 0,
      t1: 10,
      y0: new Float64Array(1),
      solverOrder: 5,
      errorOrder: 4,
      func: () => undefined,
      initialDerivative: () => new Float64Array(1),
    };
    const running = pi.start({ rtol: 1, atol: 1, dt0: 1 }, context);
    const zero = new Float64Array(1);
    const decision: StepDecision = { accept: false, nextT1: 0, errorRatio: 0 };
    expect(running.firstStepEnd()).toBe(1);
    running.adapt(0, 1, zero, zero, Float64Array.of(4), decision);
    expect(decision.accept).toBe(false);
    const retry = decision.nextT1;
    expect(retry).toBeLessThan(1);
    running.adapt(0, retry, zero, zero, Float64Array.of(1e-8), decision);
    expect(decision.accept).toBe(true);
    expect(decision.nextT1 - retry).toBeCloseTo(retry, 12);
    running.adapt(retry, 2 * retry, zero, zero, Float64Array.of(Number.NaN), decision);
    expect(decision.accept).toBe(false);
    expect(decision.nextT1 - retry).toBeCloseTo(retry * 0.2, 12);
  });
});
