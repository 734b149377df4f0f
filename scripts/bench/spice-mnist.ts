import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { cosimulate, createModel, formatSi, kernelThreads, ngspiceVersion, simulateModel, type CosimResult } from '@kirchhoff/core';
import { readFixtureJson, type MnistLogitsFixture } from '../../test/support/fixtures';
import { builtinContainer, catalogOf, setupOf } from '../../test/support/kirchhoff-context';
import { loadPretrainedMnist } from '../../test/support/mnist-model';

/**
 * The released MNIST KirchhoffNet (834 nodes, 2 slices × 230,068 ShiftRelu1 branches) exported to ngspice
 * for one fixture image: one netlist per slice (230,068 B-sources each), run in batch mode, slice 2 from
 * where ngspice's slice 1 ended. Reports the agreement of every node at each slice end with Kirchhoff's
 * dopri5 at 1e-10, the readout logits, ngspice's run time next to Kirchhoff's, the node voltage range and
 * the implied rails, and the logits' settling time.
 *
 * Environment: KH_SPICE_IMAGE (fixture image, default 0), KH_SPICE_SLICES (1 or 2, default 2),
 * KH_SPICE_MAX_STEP (largest ngspice step in model time, default 1/2000), KH_SPICE_POINTS (output rows
 * per slice, default 200), KH_SPICE_TIMEOUT (seconds per slice, default 7200), KH_SPICE_KEEP (a folder
 * for the decks, data and logs), KH_SPICE_JSON (write the result there). Needs ngspice.
 */
export async function run(): Promise<void> {
  const image = Number(process.env.KH_SPICE_IMAGE ?? 0);
  const sliceCount = Number(process.env.KH_SPICE_SLICES ?? 2);
  const maxStep = Number(process.env.KH_SPICE_MAX_STEP ?? 1 / 2000);
  const points = Number(process.env.KH_SPICE_POINTS ?? 200);
  const timeout = Number(process.env.KH_SPICE_TIMEOUT ?? 7200);
  const fraction = Number(process.env.KH_SPICE_FRACTION ?? 1);
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`KH_SPICE_FRACTION must be in (0, 1], got ${process.env.KH_SPICE_FRACTION}`);
  const version = ngspiceVersion();
  if (!version) throw new Error('ngspice is not on PATH: apt-get install ngspice');

  const container = builtinContainer();
  const catalog = catalogOf(container);
  const full = loadPretrainedMnist(catalog);
  const fx = readFixtureJson<MnistLogitsFixture>('mnist_pretrained_logits.json');
  const N = full.numNodes;
  const input = Float64Array.from({ length: N }, (_, n) => (n < 784 ? fx.inputs[image][n] : 0));
  const readout = Array.from({ length: 10 }, (_, k) => 825 + k);
  const model = unwrap(createModel(full.slices.slice(0, sliceCount).map((s) => ({ ...s, duration: s.duration * fraction }))));
  const edges = model.slices[0].circuit.groups.reduce((s, g) => s + g.size, 0);
  console.log(`spice-mnist: released MNIST KirchhoffNet, fixture image ${image} (label ${fx.labels[image]}), ${N} nodes, ${sliceCount} slice(s) × ${edges} B-sources; ${version}; Kirchhoff threads ${kernelThreads()}`);
  if (fraction < 1) console.log(`  only the first ${fraction} of each slice (KH_SPICE_FRACTION): agreement at that time, run times extrapolated below`);
  console.log(`  ngspice: trap, reltol 1e-6, max step ${maxStep} of the slice's unit duration, ${points} output rows per slice`);

  // Kirchhoff's own run time on this one image: the original's settings, and accurate ones.
  for (const [label, config] of [
    ['official settings (dopri5 tol 1e-3, dt0 1e-2, dtMin 1e-5)', { name: 'dopri5', rtol: 1e-3, atol: 1e-3, dt0: 1e-2, dtMin: 1e-5 }],
    ['dopri5 at 1e-7', { name: 'dopri5', rtol: 1e-7, atol: 1e-7 }],
    ['dopri5 at 1e-10', { name: 'dopri5', rtol: 1e-10, atol: 1e-10 }],
  ] as const) {
    const started = performance.now();
    const result = simulateModel({ model, input, batch: 1, setup: setupOf(container, config) });
    const seconds = (performance.now() - started) / 1000;
    console.log(`  Kirchhoff, ${label}: ${seconds.toFixed(2)} s, NFE ${result.perSlice.map((s) => s.nfe).join(' + ')}`);
  }

  const started = performance.now();
  const result: CosimResult = await cosimulate({
    model,
    input,
    setup: setupOf(container, { name: 'dopri5', rtol: 1e-10, atol: 1e-10 }),
    functions: catalog.functions,
    transient: { maxStep, points },
    readoutNodes: readout,
    ngspice: { timeoutMs: timeout * 1000, ...(process.env.KH_SPICE_KEEP && { workDir: process.env.KH_SPICE_KEEP }) },
    title: `released MNIST KirchhoffNet, fixture image ${image}`,
  });
  const total = (performance.now() - started) / 1000;
  for (const s of result.slices) {
    const stats = s.ngspiceStats;
    console.log(
      `  slice ${s.slice + 1}: deck ${(s.netlistBytes / 1e6).toFixed(1)} MB; ngspice ${(s.ngspiceMs / 1000).toFixed(1)} s wall ` +
        `(load ${stats['Netlist loading time'] ?? '?'} s, parse ${stats['Netlist parsing time'] ?? '?'} s, transient ${stats['Transient analysis time'] ?? '?'} s, ` +
        `${stats['Transient timepoints'] ?? '?'} timepoints, ${stats['Transient iterations'] ?? '?'} Newton iterations); ` +
        `worst node ${s.worstNode}: |Δ| ${s.maxAbsError.toExponential(2)} V, relative ${s.maxRelError.toExponential(2)} — ${s.passed ? 'within' : 'OUTSIDE'} 1e-4 / 1e-6 V`,
    );
  }
  const last = result.slices[result.slices.length - 1];
  const logits = (v: Float64Array) => readout.map((n) => v[n - 1]);
  const argmax = (xs: number[]) => xs.indexOf(Math.max(...xs));
  const [k, s] = [logits(last.kirchhoff), logits(last.spice)];
  console.log(`  readout (nodes 825–834) at the end of slice ${result.slices.length}:`);
  console.log(`    Kirchhoff ${k.map((x) => x.toFixed(6)).join(' ')} → class ${argmax(k)}`);
  console.log(`    ngspice   ${s.map((x) => x.toFixed(6)).join(' ')} → class ${argmax(s)}`);
  console.log(`    largest logit difference ${Math.max(...k.map((x, i) => Math.abs(x - s[i]))).toExponential(2)} V`);
  const report = result.spiceReport;
  console.log(
    `  voltages (ngspice): lowest ${report.lowest.value.toFixed(3)} V (node ${report.lowest.node}), highest ${report.highest.value.toFixed(3)} V (node ${report.highest.node}); ` +
      `rails of at least ${Math.min(0, report.lowest.value).toFixed(2)} V and +${Math.max(0, report.highest.value).toFixed(2)} V`,
  );
  const logitRange = readout.map((n) => report.ranges[n - 1]);
  console.log(`  logit ranges: ${logitRange.map((r) => `${r.min.toFixed(2)}…${r.max.toFixed(2)}`).join(', ')} V`);
  for (const t of report.settling) {
    console.log(
      `  settling (1% of each logit's largest excursion), slice ${t.slice + 1}: ${(t.time - t.t0).toFixed(4)} of ${(t.t1 - t.t0).toFixed(1)} (${(100 * t.fraction).toFixed(1)}%), last node ${t.node}; ` +
        `logits still move at up to ${t.finalSlope.toExponential(2)} V per model time unit at the slice end (${formatSi(t.finalSlope * 1e9, 'V/s')} at 1 ns)`,
    );
  }
  console.log(`  total ${total.toFixed(0)} s (ngspice ${result.slices.reduce((a, x) => a + x.ngspiceMs, 0) / 1000} s, Kirchhoff at 1e-10 with dense output ${(result.kirchhoffMs / 1000).toFixed(2)} s)`);
  if (fraction < 1) {
    const perSlice = result.slices.map((x) => x.ngspiceMs / 1000 / fraction);
    console.log(`  extrapolated linearly to whole slices: ngspice ≈ ${perSlice.map((x) => `${(x / 3600).toFixed(1)} h`).join(' + ')}`);
  }
  if (process.env.KH_SPICE_JSON) {
    writeFileSync(process.env.KH_SPICE_JSON, JSON.stringify(result, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v), 2));
  }
}

function unwrap<T>(value: { _tag: 'Left'; left: { message: string }[] } | { _tag: 'Right'; right: T }): T {
  if (value._tag === 'Left') throw new Error(value.left.map((i) => i.message).join('\n'));
  return value.right;
}
