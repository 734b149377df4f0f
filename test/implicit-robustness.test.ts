import { createCircuit, KclDynamics, solve, type SolverConfig } from '@kirchhoff/core';
import { describe, expect, it } from 'vitest';
import { tunnelOscillator } from '../scripts/bench/stiff';
import { builtinContainer, catalogOf, setupOf, unwrap } from './support/kirchhoff-context';

/**
 * Regressions of Newton's method inside the implicit solvers on stiff exponential devices, where a kept
 * (simplified-Newton) Jacobian can be far from the current one.
 */
const container = builtinContainer();
const catalog = catalogOf(container);
const run = (dynamics: KclDynamics, config: SolverConfig, y0: Float64Array, t1: number) => {
  const setup = setupOf(container, { maxSteps: 200_000, ...config });
  return solve(dynamics, setup.solver, { ...setup.options, t0: 0, t1, y0 });
};
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

describe('implicit solvers on stiff exponential devices', () => {
  it('do not let one-iteration Newton stages with an aged Jacobian pin the step size', () => {
    // A 1 nF node held by a forward-biased diode (time constant ~7 ns) next to a reverse-biased sample:
    // every stage stopped after one iteration on an old contraction estimate, 1e-6 V off the solution,
    // and backward Euler crept on at 4e-9 s steps (over 200 000 steps for 2 s).
    const conductance = catalog.require('conductance');
    const diode = catalog.require('shockley-diode');
    const circuit = unwrap(
      createCircuit({
        numNodes: 2,
        capacitance: [1e-3, 1e-9],
        groups: [
          { type: conductance, src: [1, 2], dst: [2, 0], params: [1e-3, 1e-4] },
          { type: diode, src: [2], dst: [0], params: diode.definition.meta.params.map((p) => p.init as number) },
        ],
      }),
    );
    const solution = run(new KclDynamics(circuit, 2), { name: 'backward-euler', rtol: 1e-6, atol: 1e-6 }, Float64Array.from([5, -2, 0, 0]), 2);
    expect(solution.stats.acceptedSteps + solution.stats.rejectedSteps).toBeLessThan(10_000);
  });

  it.each(['backward-euler', 'trapezoidal', 'bdf2', 'tr-bdf2'])(
    '%s follows a tunnel-diode relaxation oscillator through its jumps at loose tolerances',
    (name) => {
      // A Jacobian evaluated at a failed stage's guess far past a jump (where the diode's slope is
      // astronomic) was reused by the retried step, whose Newton updates then all looked negligible: the
      // trapezoidal rule marched v1 up to 14 V at tol 1e-4 and stopped.
      const dynamics = new KclDynamics(tunnelOscillator(catalog), 1);
      const y0 = new Float64Array(2);
      const reference = run(dynamics, { name: 'tr-bdf2', rtol: 1e-9, atol: 1e-9 }, y0, 3).yFinal;
      for (const tol of [1e-3, 1e-4]) {
        const solution = run(dynamics, { name, rtol: tol, atol: tol }, y0, 3);
        // Three periods of phase error at loose tolerances; v1 stays on the device's branches (< 0.6 V).
        expect(maxAbs(solution.yFinal, reference), `tol ${tol}`).toBeLessThan(0.2);
        expect(solution.stats.acceptedSteps, `tol ${tol}`).toBeLessThan(2000);
      }
    },
  );
});
