import { KirchhoffError, solve } from '@kirchhoff/core';
import { createCubicDecayProblem, createLinearRotationProblem, createLogisticProblem } from '@kirchhoff/core/testing';
import { describe, expect, it } from 'vitest';
import { ButcherTableau, constant, dopri5, euler, pi, rk4, torchdiffeq, tsit5, type ButcherTableauSpec } from '../src/index';
import { arrayTerm, maxRelativeDifference, thrownBy } from './helpers';
import { fixedStepOrder } from './order';

const heun: ButcherTableauSpec = { c: [0, 1], a: [[], [1]], b: [1 / 2, 1 / 2], bHat: [1, 0], order: 2, embeddedOrder: 1 };

function problemsOf(spec: ButcherTableauSpec): string[] {
  const error = thrownBy(() => ButcherTableau.define('broken', spec));
  expect(error).toBeInstanceOf(KirchhoffError);
  expect((error as KirchhoffError).code).toBe('invalid-tableau');
  return (error as KirchhoffError).details.problems as string[];
}

describe('ButcherTableau', () => {
  it('accepts a consistent tableau and derives b − b̂ and FSAL', () => {
    const tableau = ButcherTableau.define('heun-euler', heun);
    expect(tableau.errorWeights).toEqual([-1 / 2, 1 / 2]);
    expect(tableau.fsal).toBe(false);
    expect(dopri5.tableau.fsal).toBe(true);
    expect(tsit5.tableau.fsal).toBe(true);
    expect(rk4.tableau.fsal).toBe(false);
    expect(euler.tableau.check()).toEqual([]);
  });

  it('rejects rows that do not sum to c', () => {
    expect(problemsOf({ ...heun, c: [0, 0.9] })).toContain('row 1 of A sums to 1, but c[1] = 0.9');
  });

  it('rejects a single mistyped digit through the order conditions', () => {
    const spec: ButcherTableauSpec = {
      c: [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1],
      a: dopri5.tableau.a.map((row) => [...row]),
      b: [...dopri5.tableau.b],
      bHat: [...dopri5.tableau.bHat!],
      order: 5,
      embeddedOrder: 4,
    };
    expect(() => ButcherTableau.define('dopri5-copy', spec)).not.toThrow();
    const typo = structuredClone(spec) as { a: number[][]; b: number[] } & ButcherTableauSpec;
    typo.a[4][2] = 64448 / 6562;
    typo.a[4][3] += 64448 / 6561 - 64448 / 6562;
    expect(problemsOf(typo).some((p) => p.includes('order-4') || p.includes('order-5'))).toBe(true);
  });

  it('rejects a malformed shape before any arithmetic', () => {
    expect(problemsOf({ c: [0, 1], a: [[], [0.5, 0.5]], b: [1], order: 1 })).toEqual([
      'row 1 of A has 2 entries; an explicit method has 1',
      'b has 1 weights for 2 stages',
    ]);
  });

  it('requires error weights that sum to zero', () => {
    expect(problemsOf({ ...heun, bHat: [1, 0.1] })).toContain('b̂ breaks order-1 condition Σb = 1 (residual 1.00e-1)');
  });
});

describe('euler', () => {
  it('takes y1 = y0 + dt·f(t0, y0), one evaluation per step', () => {
    const run = solve(arrayTerm(1, (t, y) => [-2 * y[0] + t]), euler, {
      t0: 0,
      t1: 0.5,
      y0: Float64Array.of(1),
      controller: { controller: constant, settings: { dt0: 0.25 } },
    });
    // y(0.25) = 1 + 0.25·(−2) = 0.5; y(0.5) = 0.5 + 0.25·(−1 + 0.25) = 0.3125
    expect(run.yFinal[0]).toBe(0.3125);
    expect(run.stats).toEqual({ nfe: 2, acceptedSteps: 2, rejectedSteps: 0 });
  });

  it('converges at order 1 through solve() and the constant controller', () => {
    expect(Math.abs(fixedStepOrder(euler, createLogisticProblem(), [0.04, 0.02, 0.01, 0.005]) - 1)).toBeLessThanOrEqual(0.2);
  });
});

describe('rk4', () => {
  it('reproduces the degree-4 Taylor polynomial of e^h on dy/dt = y', () => {
    const h = 0.3;
    const run = solve(arrayTerm(1, (_t, y) => [y[0]]), rk4, {
      t0: 0,
      t1: h,
      y0: Float64Array.of(1),
      controller: { controller: constant, settings: { dt0: h } },
    });
    expect(run.yFinal[0]).toBeCloseTo(1 + h + h ** 2 / 2 + h ** 3 / 6 + h ** 4 / 24, 15);
    expect(run.stats.nfe).toBe(4);
  });

  it('converges at order 4 through solve() and the constant controller', () => {
    const steps = [0.1, 0.05, 0.025, 0.0125];
    expect(Math.abs(fixedStepOrder(rk4, createLinearRotationProblem(), steps) - 4)).toBeLessThanOrEqual(0.2);
    expect(Math.abs(fixedStepOrder(rk4, createLogisticProblem(), steps) - 4)).toBeLessThanOrEqual(0.2);
  });
});

/** diffrax's factored form of the Tsit5 interpolant weights (`_Tsit5Interpolation`), an independent transcription. */
function diffraxWeights(t: number): number[] {
  return [
    -1.0530884977290216 * t * (t - 1.3299890189751412) * (t ** 2 - 1.4364028541716351 * t + 0.7139816917074209),
    0.1017 * t ** 2 * (t ** 2 - 2.1966568338249754 * t + 1.2949852507374631),
    2.490627285651252793 * t ** 2 * (t ** 2 - 2.38535645472061657 * t + 1.57803468208092486),
    -16.54810288924490272 * (t - 1.21712927295533244) * (t - 0.61620406037800089) * t ** 2,
    47.37952196281928122 * (t - 1.203071208372362603) * (t - 0.658047292653547382) * t ** 2,
    -34.87065786149660974 * (t - 1.2) * (t - 0.666666666666666667) * t ** 2,
    2.5 * (t - 1) * (t - 0.6) * t ** 2,
  ];
}

describe('tsit5', () => {
  it('has the published free interpolant', () => {
    // With y0 = 0, h = 1 and unit stage vectors, the interpolant returns its weights b_i(θ).
    const k = Array.from({ length: 7 }, (_, i) => Float64Array.from({ length: 7 }, (_, j) => (i === j ? 1 : 0)));
    const out = new Float64Array(7);
    for (const theta of [0.1, 0.35, 0.5, 0.9, 1]) {
      tsit5.interpolation.evaluate(theta, 1, new Float64Array(7), new Float64Array(7), k, out);
      expect(maxRelativeDifference(out, diffraxWeights(theta))).toBeLessThan(1e-12);
    }
  });

  it('agrees with dopri5 at tight tolerances, under either adaptive controller', () => {
    for (const problem of [createLogisticProblem(), createCubicDecayProblem()]) {
      const span = { t0: problem.t0, t1: problem.t1, y0: problem.y0 };
      const settings = { rtol: 1e-10, atol: 1e-10 };
      const reference = solve(problem.term, dopri5, { ...span, controller: { controller: torchdiffeq, settings } });
      for (const controller of [pi, torchdiffeq]) {
        const run = solve(problem.term, tsit5, { ...span, controller: { controller, settings } });
        expect(maxRelativeDifference(run.yFinal, reference.yFinal)).toBeLessThan(1e-8);
      }
    }
  });
});
