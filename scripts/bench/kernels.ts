import { cpus } from 'node:os';
import { BranchCatalog, createKirchhoffContainer, KclDynamics, kernelThreads, simdKernelsEnabled } from '@kirchhoff/core';
import { registerBranches } from '@kirchhoff/branches';
import { readFixtureJson, toNodeMajor, type MnistLogitsFixture } from '../../test/support/fixtures';
import { loadPretrainedMnist } from '../../test/support/mnist-model';
import { medianMs } from './stats';

/** Original PyTorch code on this machine (shared/reference/kirchhoffnet.md §10). */
const ORIGINAL = { rhsMs: 47, edgeEvalsPerSecond: 150e6, rhsPlusVjpMs: 125 };

export function run(): void {
  const container = createKirchhoffContainer();
  registerBranches(container);
  const model = loadPretrainedMnist(container.resolve(BranchCatalog));
  const circuit = model.slices[0].circuit;
  const E = circuit.groups[0].size;
  const B = 32;
  // Real inputs: the fixture's 8 digits, repeated to a batch of 32 (proj nodes start at 0 V).
  const fx = readFixtureJson<MnistLogitsFixture>('mnist_pretrained_logits.json');
  const rows = Array.from({ length: B }, (_, b) => [...fx.inputs[b % fx.inputs.length], ...new Array(50).fill(0)]);
  const y = toNodeMajor(rows, 834);
  // Mid-trajectory voltages are not all zero beyond the pixels: perturb so every branch is exercised.
  for (let i = 784 * B; i < y.length; i++) y[i] = Math.sin(i) * 5;
  const dyn = new KclDynamics(circuit, B);
  const out = new Float64Array(dyn.size);
  const a = Float64Array.from({ length: dyn.size }, (_, i) => Math.cos(i));
  const outA = new Float64Array(dyn.size);
  const grads = [new Float64Array(circuit.groups[0].params.length)];

  const rhs = medianMs(() => dyn.vf(0, y, out), 40);
  const fused = medianMs(() => dyn.vjp(0, y, a, outA, grads, out), 20);
  const evals = (E * B) / (rhs.median / 1000);
  const fmt = (x: number) => `${(x / 1e6).toFixed(0)} M`;
  console.log(`kernels: MNIST layer, ${E} ShiftRelu1 edges, ${circuit.numNodes} non-ground nodes + ground, B = ${B}`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${kernelThreads()} kernel thread${kernelThreads() === 1 ? '' : 's'} (KIRCHHOFF_THREADS), ${simdKernelsEnabled() ? 'WebAssembly SIMD' : 'JavaScript'} kernels (KIRCHHOFF_SIMD)`);
  console.log('');
  console.log('| measure | Kirchhoff (median) | original PyTorch | ratio |');
  console.log('|---|---|---|---|');
  console.log(`| forward RHS time | ${rhs.median.toFixed(2)} ms (min ${rhs.min.toFixed(2)}, max ${rhs.max.toFixed(2)}) | ${ORIGINAL.rhsMs} ms | ${(ORIGINAL.rhsMs / rhs.median).toFixed(2)}× |`);
  console.log(`| forward RHS edge-evaluations/s | ${fmt(evals)} | ${fmt(ORIGINAL.edgeEvalsPerSecond)} | ${(evals / ORIGINAL.edgeEvalsPerSecond).toFixed(2)}× |`);
  console.log(`| RHS + VJP (fused adjoint kernel) | ${fused.median.toFixed(2)} ms | ${ORIGINAL.rhsPlusVjpMs} ms | ${(ORIGINAL.rhsPlusVjpMs / fused.median).toFixed(2)}× |`);
}
