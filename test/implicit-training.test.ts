import { describe, expect, it } from 'vitest';
import { adam, checkpointed, createCircuit, createModel, modelGradient, simulateModel } from '@kirchhoff/core';
import { builtinContainer, catalogOf, setupOf, unwrap } from './support/kirchhoff-context';

/**
 * A stiff circuit with tunnel diodes (small capacitors, conductances up to ~10 mS against 1 mF): gradients
 * through an implicit solver in both passes (forward and the checkpointed adjoint's backward solve) against
 * central finite differences, and a few training steps that lower the loss.
 */
const container = builtinContainer();
const catalog = catalogOf(container);
const tunnel = catalog.require('tunnel-diode');
const conductance = catalog.require('conductance');
const diodeParams = tunnel.definition.meta.params.map((p) => p.init as number);
const B = 2;

function stiffModel() {
  const circuit = unwrap(
    createCircuit({
      numNodes: 3,
      capacitance: [1e-3, 1e-3, 2e-3],
      groups: [
        { type: conductance, src: [1, 2, 1], dst: [2, 3, 0], params: [2e-3, 5e-3, 1e-3] },
        { type: tunnel, src: [2, 3], dst: [0, 0], params: diodeParams.flatMap((p) => [p, p]) },
      ],
    }),
  );
  return unwrap(createModel([{ duration: 0.02, circuit }]));
}
const input = Float64Array.from([0.3, 0.5, 0.1, 0.0, 0.05, 0.2]);
const target = Float64Array.from({ length: 6 }, (_, i) => 0.05 * (i + 1));
const loss = (y: Float64Array, grad: Float64Array | null) => y.reduce((s, v, i) => (grad && (grad[i] = 2 * (v - target[i])), s + (v - target[i]) ** 2), 0);

describe('implicit solvers in both passes on a stiff tunnel-diode circuit', () => {
  it('gives gradients that match finite differences', () => {
    const model = stiffModel();
    const implicit = setupOf(container, { name: 'bdf2', rtol: 1e-9, atol: 1e-9 });
    const result = modelGradient({ model, input, batch: B, method: checkpointed, forward: implicit, backward: implicit, loss });
    const reference = setupOf(container, { name: 'tr-bdf2', rtol: 1e-11, atol: 1e-11 });
    const params = model.slices[0].circuit.groups[0].params; // the conductances
    const fd = Array.from(params, (saved, k) => {
      const h = 1e-6 * Math.abs(saved);
      params[k] = saved + h;
      const up = loss(simulateModel({ model, input, batch: B, setup: reference }).final, null);
      params[k] = saved - h;
      const down = loss(simulateModel({ model, input, batch: B, setup: reference }).final, null);
      params[k] = saved;
      return (up - down) / (2 * h);
    });
    const adjoint = Array.from(result.paramGradients[0][0]);
    const scale = Math.max(...fd.map(Math.abs));
    // Measured 2.7e-7: the bound of the adjoint issue for smooth devices at tight tolerance.
    expect(Math.max(...fd.map((g, k) => Math.abs(g - adjoint[k]))) / scale).toBeLessThan(1e-6);
    expect(result.backwardStats[0].acceptedSteps).toBeGreaterThan(0);
  });

  it('trains: Adam through bdf2 in both passes lowers the loss of the stiff circuit', () => {
    const model = stiffModel();
    const setup = setupOf(container, { name: 'bdf2', rtol: 1e-6, atol: 1e-6 });
    const params = model.slices[0].circuit.groups.map((g) => g.params);
    // Train the conductances only; the diode parameters stay fixed (a zero mask).
    const masks = [null, new Uint8Array(params[1].length)];
    const optimizer = unwrap(adam.create({ lr: 5e-4 }, params.map((p) => p.length)));
    const losses: number[] = [];
    for (let step = 0; step < 25; step++) {
      const result = modelGradient({ model, input, batch: B, method: checkpointed, forward: setup, backward: setup, loss });
      losses.push(result.loss);
      optimizer.step(params, result.paramGradients[0], 5e-4, masks);
    }
    expect(losses[losses.length - 1]).toBeLessThan(0.5 * losses[0]);
    expect(Array.from(params[1])).toEqual(diodeParams.flatMap((p) => [p, p]));
  });
});
