import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { createCircuit, KclDynamics, solve } from '@kirchhoff/core';
import { readFixtureJson, toNodeMajor, type TinyCircuitFixture } from './support/fixtures';
import { builtinContainer, catalogOf, setupOf } from './support/kirchhoff-context';

/**
 * The original code's 12-edge, 6-node circuit with each of its six devices (fixtures/README.md):
 * right-hand side at x0 to 1e-12; dopri5 at rtol = atol = 1e-10 at t = 0.5 and 1 within the fixture's
 * own accuracy: 1e-8 for the tanh devices, 2e-6 absolute for the ReLU family.
 */
const fx = readFixtureJson<TinyCircuitFixture>('tiny_circuit_all_devices.json');
const container = builtinContainer();
const catalog = catalogOf(container);
const B = fx.x0.length;
const N = fx.num_nonground_nodes;
const tolerance: Record<string, number> = {
  ShiftTanh1: 1e-8,
  ShiftTanh2: 1e-8,
  ShiftRelu1: 2e-6,
  ShiftLeakyRelu1: 2e-6,
  ShiftRelu2: 2e-6,
  ShiftLeakyRelu2: 2e-6,
};

describe.each(Object.keys(fx.devices))('tiny circuit fixture: %s', (device) => {
  const data = fx.devices[device];
  const built = createCircuit({
    numNodes: N,
    groups: [
      {
        type: catalog.require(device),
        src: fx.topology_src_des.map((e) => e[0]),
        dst: fx.topology_src_des.map((e) => e[1]),
        params: data.param_rows_by_edge.flat(),
      },
    ],
  });
  if (E.isLeft(built)) throw new Error(built.left[0].message);
  const dynamics = new KclDynamics(built.right, B);
  const x0 = toNodeMajor(fx.x0, N);

  it('right-hand side at x0 matches to 1e-12', () => {
    const rhs = new Float64Array(dynamics.size);
    dynamics.vf(0, x0, rhs);
    const expected = toNodeMajor(data.rhs_at_x0, N);
    rhs.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(1e-12));
  });

  it(`dopri5 solution at t = 0.5 and 1 within ${tolerance[device]}`, () => {
    const setup = setupOf(container, { name: 'dopri5', rtol: 1e-10, atol: 1e-10 });
    const solution = solve(dynamics, setup.solver, { ...setup.options, t0: 0, t1: 1, y0: x0, saveAt: [0.5, 1] });
    [1, 2].forEach((k, i) => {
      const expected = toNodeMajor(data.solution_at_t[k], N);
      const worst = Math.max(...solution.ys[i].map((v, j) => Math.abs(v - expected[j])));
      expect(worst, `max |error| at t = ${fx.devices[device].t[k]}`).toBeLessThanOrEqual(tolerance[device]);
    });
  });
});
