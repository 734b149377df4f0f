import { describe, expect, it } from 'vitest';
import { backsolve, checkpointed, createCircuit, createModel, modelGradient, type AdjointMethod } from '@kirchhoff/core';
import { readFixtureJson, toNodeMajor, type TinyCircuitFixture } from './support/fixtures';
import { builtinContainer, catalogOf, setupOf, unwrap } from './support/kirchhoff-context';

/**
 * Gradients of L = Σ v(1)² on the original's tiny circuit against the fixture's adjoint gradients
 * (fixtures/README.md: finite differences side with the adjoint; tanh ≤ 1e-7, ReLU family ≤ 1e-4
 * relative to the largest gradient; the unused ShiftTanh1 row exactly 0).
 */
const fx = readFixtureJson<TinyCircuitFixture>('tiny_circuit_all_devices.json');
const container = builtinContainer();
const catalog = catalogOf(container);
const B = fx.x0.length;
const tolerance = (device: string) => (device.includes('Tanh') ? 1e-7 : 1e-4);

const relativeError = (actual: ArrayLike<number>, expected: number[]) => {
  const scale = Math.max(...expected.map(Math.abs));
  return Math.max(...expected.map((e, i) => Math.abs(actual[i] - e))) / scale;
};

function gradients(device: string, method: AdjointMethod) {
  const data = fx.devices[device];
  const circuit = unwrap(
    createCircuit({
      numNodes: 6,
      groups: [
        {
          type: catalog.require(device),
          src: fx.topology_src_des.map((e) => e[0]),
          dst: fx.topology_src_des.map((e) => e[1]),
          params: data.param_rows_by_edge.flat(),
        },
      ],
    }),
  );
  const model = unwrap(createModel([{ duration: 1, circuit }]));
  const setup = setupOf(container, { name: 'dopri5', rtol: 1e-11, atol: 1e-11 });
  return modelGradient({
    model,
    input: toNodeMajor(fx.x0, 6),
    batch: B,
    method,
    forward: setup,
    loss: (y, grad) => {
      let loss = 0;
      y.forEach((v, i) => {
        loss += v * v;
        grad[i] = 2 * v;
      });
      return loss;
    },
  });
}

describe.each([backsolve, checkpointed])('$name adjoint vs the fixture', (method) => {
  it.each(Object.keys(fx.devices))('%s', (device) => {
    const data = fx.devices[device];
    const result = gradients(device, method);
    expect(relativeError(result.paramGradients[0][0], data.grad_param_adjoint.flat())).toBeLessThanOrEqual(tolerance(device));
    expect(relativeError(result.inputGradient, Array.from(toNodeMajor(data.grad_x0_adjoint, 6)))).toBeLessThanOrEqual(tolerance(device));
    if (device === 'ShiftTanh1') {
      const unusedRow = result.paramGradients[0][0].subarray(24, 36);
      expect(Array.from(unusedRow).every((g) => g === 0)).toBe(true);
    }
  });
});
