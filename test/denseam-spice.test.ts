import 'reflect-metadata';
import { KclDynamics, nodeVoltage, runNgspice, solve, writeSpiceNetlist, xorSpec, type DenseAmSpec } from '@kirchhoff/core';
import { describe, expect, it } from 'vitest';
import { modelOf, setupOf } from './support/denseam';

/**
 * The XOR DenseAM exported to ngspice (clamped inputs as voltage sources, the leak and bias as controlled
 * sources, softmax as exp sources over a sum node, the crossbars as current sources or resistors) must
 * follow Kirchhoff's own trajectory.
 */
async function compare(spec: DenseAmSpec, sample: number[], duration: number): Promise<number> {
  const model = modelOf(spec);
  const y0 = model.initialState(Float64Array.from(sample), 1);
  const times = [0.5, 1, 2, 4, duration].filter((t) => t <= duration);
  const setup = setupOf({ name: 'dopri5', rtol: 1e-10, atol: 1e-10 });
  const reference = solve(new KclDynamics(model.circuit, 1), setup.solver, { ...setup.options, t0: 0, t1: duration, y0, saveAt: times });
  const deck = writeSpiceNetlist({ circuit: model.circuit, duration, initial: y0, dataFile: 'out.data', transient: { points: Math.round(duration * 100), maxStep: duration / 20000 } });
  const run = await runNgspice(deck, 'out.data', { timeoutMs: 60_000 });
  let worst = 0;
  times.forEach((t, k) => {
    const row = run.times.findIndex((x) => Math.abs(x - t) < 1e-9 * duration);
    expect(row, `ngspice wrote no row at t = ${t}`).toBeGreaterThanOrEqual(0);
    for (let n = 1; n <= model.circuit.numNodes; n++) worst = Math.max(worst, Math.abs(nodeVoltage(run, n)[row] - reference.ys[k][n - 1]));
  });
  return worst;
}

describe('DenseAM SPICE export', () => {
  it('virtual-ground XOR (softmax as exp sources and a sum node) agrees with ngspice', async () => {
    expect(await compare(xorSpec(4), [-1, 1, 0], 10)).toBeLessThan(1e-4);
  }, 60_000);

  it('passive XOR (resistor crossbar, negative weights through inverted activation copies) agrees with ngspice', async () => {
    expect(await compare({ ...xorSpec(4), mode: 'passive' }, [1, 1, 0], 3)).toBeLessThan(1e-4);
  }, 60_000);
});
