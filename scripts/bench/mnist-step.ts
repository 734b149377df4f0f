import * as E from 'fp-ts/Either';
import { performance } from 'node:perf_hooks';
import { encodeInputs, KclDynamics, kernelThreads, modelGradient, readOutputs, Rng, scatterOutputGradient } from '@kirchhoff/core';
import { createTrainingContainer } from '../../packages/cli/src/engine';
import { buildTraining } from '../../packages/cli/src/config/train-build';
import { decodeTrainFile, trainingPlugins } from '../../packages/cli/src/config/train-decode';
import { medianMs } from './stats';

/** The original code on this machine (shared/reference/kirchhoffnet.md §10). */
const ORIGINAL = { secondsPerIteration: 9.4, rhsMsAtB32: 47, edgeEvalsPerSecond: 150e6, rhsVjpMsAtB32: 125 };

const CONFIG = 'examples/mnist-kirchhoffnet.yaml';

/**
 * One training iteration of the original MNIST KirchhoffNet (examples/mnist-kirchhoffnet.yaml: 834 nodes,
 * 2 slices × 230,068 ShiftRelu1 edges, Kaiming init) at B = 32 with the original's solver (dopri5 tol 1e-3,
 * first step 1e-2, min step 1e-5), continuous adjoint and AdamW 5e-4, on real MNIST training images:
 * median seconds per iteration (forward + adjoint + optimizer) and NFE; and one forward right-hand side
 * at B = 32 in edge evaluations per second. Environment: KH_BENCH_ITERATIONS (timed iterations, default 10),
 * KH_BENCH_BATCH (batch size, default 32: the original's figures are at 32), KIRCHHOFF_THREADS (kernel
 * threads, default all cores), KIRCHHOFF_SIMD (0: JavaScript kernels), KH_ADJOINT (adjoint method instead of the config's
 * backsolve, the original's).
 */
export async function run(): Promise<void> {
  const iterations = Number(process.env.KH_BENCH_ITERATIONS ?? 10);
  const B = Number(process.env.KH_BENCH_BATCH ?? 32);
  const cwd = process.cwd();
  const decoded = orThrow(await decodeTrainFile(CONFIG, cwd));
  const container = createTrainingContainer(await trainingPlugins(decoded, [], cwd));
  const adjoint = process.env.KH_ADJOINT;
  const plan = orThrow(await buildTraining(decoded, container, { cwd, runDir: '/tmp/kirchhoff-bench-mnist-step', ...(adjoint && { adjoint }) }));
  const { network, train: data, optimizer } = plan;
  const edges = network.model.slices[0].circuit.groups.reduce((s, g) => s + g.size, 0);
  const threads = kernelThreads();
  console.log(`mnist-step: ${CONFIG}, ${network.model.numNodes} nodes, ${network.model.slices.length} slices × ${edges} edges, B = ${B}, ${plan.solver.name} tol ${plan.solver.rtol}, adjoint ${plan.method.name}, threads ${threads}`);

  const dynamics = new KclDynamics(network.model.slices[0].circuit, B);
  const rng = new Rng(1);
  const v = Float64Array.from({ length: dynamics.size }, () => rng.uniform());
  const a = Float64Array.from({ length: dynamics.size }, () => rng.uniform() - 0.5);
  const out = new Float64Array(dynamics.size);
  const outA = new Float64Array(dynamics.size);
  const grads = dynamics.paramSizes.map((n) => new Float64Array(n));
  const rhs = medianMs(() => dynamics.vf(0, v, out), 30);
  const vjp = medianMs(() => dynamics.vjp(0, v, a, outA, grads, out), 15);
  const evalsPerSecond = (edges * B) / (rhs.median / 1000);

  const K = network.spec.readoutNodes.length;
  const times: number[] = [];
  const nfe: [number, number][] = [];
  const batchRng = new Rng(7);
  const warmup = 2;
  for (let it = 0; it < warmup + iterations; it++) {
    const rows = Int32Array.from({ length: B }, () => batchRng.below(data.count));
    const start = performance.now();
    const input = new Float64Array(network.model.numNodes * B);
    encodeInputs(network, data.inputs, data.inputDim, rows, input);
    const targets = Float64Array.from(rows, (r) => data.targets[r]);
    const outputs = new Float64Array(B * K);
    const gradOutputs = new Float64Array(B * K);
    const result = modelGradient({
      model: network.model, input, batch: B, method: plan.method, forward: plan.forward, backward: plan.backward,
      loss: (yT, grad) => {
        readOutputs(network, yT, B, outputs);
        const value = plan.loss.evaluate(outputs, B, K, targets, gradOutputs);
        scatterOutputGradient(network, gradOutputs, B, grad);
        return value;
      },
    });
    optimizer.step(network.params, result.paramGradients.flat(), plan.lr(0), network.masks);
    const seconds = (performance.now() - start) / 1000;
    const counts: [number, number] = [result.forwardStats.reduce((s, x) => s + x.nfe, 0), result.backwardStats.reduce((s, x) => s + x.nfe, 0)];
    console.log(`  iteration ${it + 1}${it < warmup ? ' (warm-up)' : ''}: ${seconds.toFixed(2)} s, loss ${result.loss.toFixed(4)}, NFE forward ${counts[0]}, backward ${counts[1]}`);
    if (it >= warmup) {
      times.push(seconds);
      nfe.push(counts);
    }
  }
  const median = [...times].sort((x, y) => x - y)[Math.floor(times.length / 2)];
  const mean = (k: 0 | 1) => (nfe.reduce((s, x) => s + x[k], 0) / nfe.length).toFixed(1);
  console.log('');
  console.log('| figure | Kirchhoff | original (PyTorch, this machine) | ratio |');
  console.log('|---|---|---|---|');
  console.log(`| s / training iteration, B = ${B} (median of ${iterations}) | ${median.toFixed(3)} | ${ORIGINAL.secondsPerIteration} | ${(ORIGINAL.secondsPerIteration / median).toFixed(2)}× |`);
  console.log(`| NFE per iteration, forward / backward (mean) | ${mean(0)} / ${mean(1)} | 31–43 adjoint | |`);
  console.log(`| forward RHS, one slice, B = ${B} (median ms) | ${rhs.median.toFixed(2)} | ${ORIGINAL.rhsMsAtB32} | ${(ORIGINAL.rhsMsAtB32 / rhs.median).toFixed(2)}× |`);
  console.log(`| forward RHS edge-evaluations / s | ${(evalsPerSecond / 1e6).toFixed(0)} M | ${ORIGINAL.edgeEvalsPerSecond / 1e6} M | ${(evalsPerSecond / ORIGINAL.edgeEvalsPerSecond).toFixed(2)}× |`);
  console.log(`| fused RHS + VJP, B = ${B} (median ms) | ${vjp.median.toFixed(2)} | ${ORIGINAL.rhsVjpMsAtB32} | ${(ORIGINAL.rhsVjpMsAtB32 / vjp.median).toFixed(2)}× |`);
}

function orThrow<T>(result: E.Either<readonly { message: string }[], T>): T {
  if (E.isLeft(result)) throw new Error(result.left.map((i) => i.message).join('\n'));
  return result.right;
}
