import { describe, expect, it } from 'vitest';
import { adamw, backsolve, buildNetwork, constantSchedule, flowLogDensity, Rng, trainFlow, type FlowIteration } from '@kirchhoff/core';
import { fullyConnect } from '@kirchhoff/branches';
import { twoMoons } from '@kirchhoff/datasets';
import { builtinContainer, catalogOf, setupOf, unwrap } from './support/kirchhoff-context';

/**
 * Generation on two moons as in the original (reference §7–§8), scaled down to run in seconds: data flows
 * back from T to the base, NLL = −mean[log N(z) − Δℓ], AdamW through the backsolve adjoint. The NLL of the
 * training batches falls, and so does the held-out NLL computed independently by `flowLogDensity`.
 */
describe('trainFlow on two moons', () => {
  const container = builtinContainer();
  const type = catalogOf(container).require('ShiftTanh2');
  const topology = unwrap(fullyConnect.generate({ nodes: 3, repeat: [3, 3] }));
  const setup = setupOf(container, { name: 'dopri5', rtol: 1e-4, atol: 1e-4, dt0: 1e-3, dtMin: 1e-6 });

  it('lowers the NLL', async () => {
    const data = unwrap(await twoMoons.load({ split: 'train', n: 256, seed: 0 })());
    const test = unwrap(await twoMoons.load({ split: 'test', n: 256, seed: 0 })());
    const network = unwrap(
      buildNetwork(
        { numNodes: 2, slices: [0, 1].map(() => ({ duration: 0.5, type, src: topology.src, dst: topology.dst })), inputNodes: [1, 2], readoutNodes: [1, 2] },
        new Rng(42),
      ),
    );
    const heldOut = () => {
      const { logq } = flowLogDensity({ model: network.model, input: toNodeMajor(test.inputs, 256), batch: 256, setup });
      return -logq.reduce((s, v) => s + v, 0) / 256;
    };
    const before = heldOut();
    const seen: FlowIteration[] = [];
    const { history } = trainFlow({
      network,
      data: data.inputs,
      inputDim: 2,
      batchSize: 64,
      iterations: 12,
      optimizer: unwrap(adamw.create({ lr: 2e-2 }, network.params.map((p) => p.length))),
      lr: unwrap(constantSchedule.create({}, 2e-2)),
      method: backsolve,
      forward: setup,
      seed: 1,
      onIteration: (r) => seen.push(r),
    });
    expect(seen).toEqual(history);
    expect(history.map((r) => r.epoch)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    const mean = (rows: FlowIteration[]) => rows.reduce((s, r) => s + r.nll, 0) / rows.length;
    expect(mean(history.slice(8))).toBeLessThan(mean(history.slice(0, 4)) - 0.1);
    expect(heldOut()).toBeLessThan(before - 0.1);
    expect(history.every((r) => r.nfeForward > 0 && r.nfeBackward > 0 && r.lr === 2e-2)).toBe(true);
  });

  it('refuses data that does not set every node', () => {
    const network = unwrap(
      buildNetwork({ numNodes: 3, slices: [{ duration: 1, type, src: Int32Array.of(1, 2), dst: Int32Array.of(2, 3) }], inputNodes: [1, 2], readoutNodes: [3] }, new Rng(0)),
    );
    expect(() =>
      trainFlow({
        network,
        data: new Float64Array(8),
        inputDim: 2,
        batchSize: 2,
        iterations: 1,
        optimizer: unwrap(adamw.create({ lr: 1e-3 }, network.params.map((p) => p.length))),
        lr: () => 1e-3,
        method: backsolve,
        forward: setup,
      }),
    ).toThrow(expect.objectContaining({ code: 'flow-dimension' }));
  });
});

/** Row-major (count × 2) features to a node-major state. */
function toNodeMajor(features: Float64Array, count: number): Float64Array {
  const out = new Float64Array(2 * count);
  for (let b = 0; b < count; b++) for (let d = 0; d < 2; d++) out[d * count + b] = features[b * 2 + d];
  return out;
}
