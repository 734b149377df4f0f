import { describe, expect, it } from 'vitest';
import { createCircuit, KclDynamics, solve, type SolverConfig } from '@kirchhoff/core';
import { readFixtureJson, toNodeMajor, type TinyCircuitFixture } from './support/fixtures';
import { builtinContainer, catalogOf, setupOf, unwrap } from './support/kirchhoff-context';

/**
 * Convergence on a smooth nonlinear circuit: the tiny 6-node circuit with ShiftTanh1 branches, t ∈ [0, 1],
 * against a reference from ODEX at rtol = atol = 1e-13. Orders are slopes of log(error) vs log(dt).
 */
const fx = readFixtureJson<TinyCircuitFixture>('tiny_circuit_all_devices.json');
const container = builtinContainer();
const circuit = unwrap(
  createCircuit({
    numNodes: 6,
    groups: [
      {
        type: catalogOf(container).require('shift-tanh-1'),
        src: fx.topology_src_des.map((e) => e[0]),
        dst: fx.topology_src_des.map((e) => e[1]),
        params: fx.devices.ShiftTanh1.param_rows_by_edge.flat(),
      },
    ],
  }),
);
const dynamics = new KclDynamics(circuit, 3);
const y0 = toNodeMajor(fx.x0, 6);
const endState = (config: SolverConfig) => {
  const setup = setupOf(container, config);
  return solve(dynamics, setup.solver, { ...setup.options, t0: 0, t1: 1, y0 });
};
const reference = endState({ name: 'odex', rtol: 1e-13, atol: 1e-13 }).yFinal;
const maxError = (y: Float64Array) => Math.max(...y.map((v, i) => Math.abs(v - reference[i])));

function fittedOrder(name: string, steps: number[]): number {
  const points = steps.map((n) => [Math.log(1 / n), Math.log(maxError(endState({ name, dt0: 1 / n }).yFinal))]);
  const mx = points.reduce((s, p) => s + p[0], 0) / points.length;
  const my = points.reduce((s, p) => s + p[1], 0) / points.length;
  const sxy = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  const sxx = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  return sxy / sxx;
}

describe('solver convergence on a nonlinear circuit', () => {
  it('Euler has order 1 (±0.2)', () => {
    expect(Math.abs(fittedOrder('euler', [50, 100, 200, 400]) - 1)).toBeLessThanOrEqual(0.2);
  });

  it('RK4 has order 4 (±0.2)', () => {
    expect(Math.abs(fittedOrder('rk4', [10, 20, 40, 80]) - 4)).toBeLessThanOrEqual(0.2);
  });

  it('Dormand–Prince error falls as the tolerance falls', () => {
    const errors = [1e-4, 1e-6, 1e-8, 1e-10].map((tol) => maxError(endState({ name: 'dopri5', rtol: tol, atol: tol }).yFinal));
    for (let i = 1; i < errors.length; i++) expect(errors[i]).toBeLessThan(errors[i - 1]);
    expect(errors[3]).toBeLessThan(1e-9);
  });

  it('ODEX and Dormand–Prince agree to 1e-8', () => {
    const dopri = endState({ name: 'dopri5', rtol: 1e-11, atol: 1e-11 }).yFinal;
    const odex = endState({ name: 'odex', rtol: 1e-10, atol: 1e-10 }).yFinal;
    expect(Math.max(...dopri.map((v, i) => Math.abs(v - odex[i])))).toBeLessThanOrEqual(1e-8);
  });
});
