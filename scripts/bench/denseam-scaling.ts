import { performance } from 'node:perf_hooks';
import { relaxDenseAm, randomMemories, settlingTime, type DenseAmSpec } from '@kirchhoff/core';
import { modelOf, setupOf } from '../../test/support/denseam';
// Repository tooling, like the test supports: the chart module is the CLI's, not part of its public API.
import { denseamScalingChart, type DenseAmScalingRow } from '../../packages/cli/src/plot/denseam';
import { renderChart, writePlot } from '../../packages/cli/src/plot/index';

/**
 * Settling time vs model size (reference §4): N random ±1 memories of width N (N_v = N_h = N), β = 1,
 * softmax hidden units, τ_h = 0.1 τ_v, probes with 10% of their bits flipped, forward Euler at
 * dt = 2e-3 τ_v for 10 τ_v. Prints N, recall, median settling time in τ_v, Euler steps to settle, the
 * evaluations of the run, the work per evaluation (2·N², the two crossbars) and the largest energy
 * step; writes runs/bench/denseam-scaling.{svg,png}. DENSEAM_SIZES=16,64 picks sizes.
 */
export async function run(): Promise<void> {
  const sizes = (process.env.DENSEAM_SIZES ?? '16,64,256,1024').split(',').map(Number);
  const probes = 4;
  const dt = 2e-3;
  const setup = setupOf({ name: 'euler', dt0: dt });
  const rows: DenseAmScalingRow[] = [];
  console.log('N      recall  settling (τ_v)  steps to settle  evaluations  work/eval  max ΔE step   wall s');
  for (const n of sizes) {
    const { memories, visible, sent } = randomMemories(n, n, probes, 0.1, n);
    const spec: DenseAmSpec = {
      visible: { size: n, tau: 1, activation: 'identity' },
      hidden: [{ size: n, tau: 0.1, activation: 'softmax', beta: 1, weights: memories }],
    };
    const model = modelOf(spec);
    const started = performance.now();
    const result = relaxDenseAm(model, { setup, visible, batch: probes, t1: 10, maxRecords: 5000 });
    const wall = (performance.now() - started) / 1000;
    let recalled = 0;
    for (let b = 0; b < probes; b++) if (sent[b].every((s, i) => Math.sign(result.final[i * probes + b]) === s)) recalled++;
    const settling = Array.from(settlingTime(result.trajectory, probes, 0.01)).sort((a, b) => a - b);
    const median = (settling[1] + settling[2]) / 2;
    const row = { n, settlingTau: median, stepsToSettle: Math.round(median / dt), workPerEvaluation: 2 * n * n, recalled, probes };
    rows.push(row);
    const maxStep = Math.max(...result.energy!.maxIncrease);
    console.log(
      `${String(n).padEnd(6)} ${`${recalled}/${probes}`.padEnd(7)} ${median.toFixed(2).padEnd(15)} ${String(row.stepsToSettle).padEnd(16)} ${String(result.stats.nfe).padEnd(12)} ${String(row.workPerEvaluation).padEnd(10)} ${maxStep.toExponential(1).padEnd(12)} ${wall.toFixed(1)}`,
    );
  }
  const paths = await writePlot('runs/bench/denseam-scaling', await renderChart(denseamScalingChart(rows)));
  console.log(`plot: ${paths.svg}, ${paths.png}`);
}
