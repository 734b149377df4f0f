import { adamw, buildNetwork, checkpointed, backsolve, crossEntropy, Rng, encodeInputs, modelGradient, readOutputs, scatterOutputGradient } from '@kirchhoff/core';
import { fullyConnect } from '@kirchhoff/branches';
import { twoMoons } from '@kirchhoff/datasets';
import { performance } from 'node:perf_hooks';
import { builtinContainer, catalogOf, setupOf, unwrap } from '../../test/support/kirchhoff-context';

/** Original code, twomoon config, this machine (shared/reference/kirchhoffnet.md §10): generative CNF run. */
const ORIGINAL_SECONDS_PER_ITERATION = 0.75;

/**
 * The original twomoon topology (fully-connect over 3 nodes incl. ground, repeat [25, 25]: 300 ShiftTanh2
 * edges per slice, 2 slices × 0.5) trained as a two-moons classifier (readout = nodes 1 and 2) at
 * B = 512 with dopri5 tol 1e-4, first step 1e-3, min step 1e-6 and AdamW 1e-3: seconds per iteration
 * (forward + adjoint + optimizer) and NFE, for each continuous adjoint method. The original's 0.75 s is
 * its *generative* CNF iteration, which also integrates the log-density: a different task, shown for scale.
 */
export function run(): void {
  const container = builtinContainer();
  const type = catalogOf(container).require('ShiftTanh2');
  const topology = unwrap(fullyConnect.generate({ nodes: 3, repeat: [25, 25] }));
  console.log('train-twomoon: 2 slices × 300 ShiftTanh2 edges, B = 512, dopri5 tol 1e-4 (first step 1e-3, min step 1e-6), AdamW 1e-3');
  console.log('');
  console.log('| adjoint | s/iteration (median of 20) | NFE forward | NFE backward | original (CNF) | ratio |');
  console.log('|---|---|---|---|---|---|');
  for (const method of [backsolve, checkpointed]) {
    const network = unwrap(buildNetwork({ numNodes: 2, slices: [0, 1].map(() => ({ duration: 0.5, type, src: topology.src, dst: topology.dst })), inputNodes: [1, 2], readoutNodes: [1, 2] }, new Rng(42)));
    const optimizer = unwrap(adamw.create({ lr: 1e-3 }, network.params.map((p) => p.length)));
    const setup = setupOf(container, { name: 'dopri5', rtol: 1e-4, atol: 1e-4, dt0: 1e-3, dtMin: 1e-6 });
    const times: number[] = [];
    const nfe: [number, number][] = [];
    const rng = new Rng(0);
    for (let it = 0; it < 23; it++) {
      const rows = Int32Array.from({ length: 512 }, () => rng.below(trainSet.count));
      const start = performance.now();
      const input = new Float64Array(2 * 512);
      encodeInputs(network, trainSet.inputs, 2, rows, input);
      const targets = Float64Array.from(rows, (r) => trainSet.targets[r]);
      const outputs = new Float64Array(512 * 2);
      const gradOutputs = new Float64Array(512 * 2);
      const result = modelGradient({
        model: network.model, input, batch: 512, method, forward: setup, backward: setup,
        loss: (yT, grad) => {
          readOutputs(network, yT, 512, outputs);
          const value = crossEntropy.evaluate(outputs, 512, 2, targets, gradOutputs);
          scatterOutputGradient(network, gradOutputs, 512, grad);
          return value;
        },
      });
      optimizer.step(network.params, result.paramGradients.flat(), 1e-3, network.masks);
      if (it >= 3) {
        times.push((performance.now() - start) / 1000);
        nfe.push([result.forwardStats.reduce((s, x) => s + x.nfe, 0), result.backwardStats.reduce((s, x) => s + x.nfe, 0)]);
      }
    }
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const meanNfe = (k: 0 | 1) => (nfe.reduce((s, x) => s + x[k], 0) / nfe.length).toFixed(1);
    console.log(`| ${method.name} | ${median.toFixed(4)} | ${meanNfe(0)} | ${meanNfe(1)} | ${ORIGINAL_SECONDS_PER_ITERATION} | ${(ORIGINAL_SECONDS_PER_ITERATION / median).toFixed(1)}× |`);
  }
}

const trainSet = unwrap(await twoMoons.load({ split: 'train', n: 4096, seed: 0 })());
