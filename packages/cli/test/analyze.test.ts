import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantizeParameters, restoreNetwork, snapshotNetwork } from '@kirchhoff/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeCommand } from '../src/commands/analyze';
import { evalCommand } from '../src/commands/eval';
import { loadTrainedNetwork } from '../src/config/trained-network';
import { runCli } from '../src/program';
import { memoryIo } from './helpers';
import { pngSize } from './plot-helpers';

// Tight tolerances: the time-scaling checks compare two different solves of the same trajectory.
const tiny = (model: string) => `model: { nodes: 4, branch: shift-tanh-2, ${model}, input: [1, 2], readout: [3, 4] }
data: { dataset: two-moons, train: 256, test: 200 }
optimizer: { name: adamw, lr: 0.05 }
training: { epochs: 2, batchSize: 32, evalBatchSize: 64 }
solver: { name: dopri5, rtol: 1.0e-9, atol: 1.0e-9 }
`;
const TWO_SLICES = 'slices: 2, duration: 0.5';

/** The run dir `run` with another model line in its config copy: the same parameters in a retimed circuit. */
function retimedRun(dir: string, name: string, model: string): string {
  cpSync(join(dir, 'run'), join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, 'config.yaml'), tiny(model));
  return name;
}

const csvRows = (text: string) => {
  const [header, ...rows] = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const columns = header.split(',');
  return { columns, rows: rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [columns[i], v]))) };
};

describe('kirchhoff analyze', () => {
  let dir: string;
  let reference: { accuracy: number; loss: number };
  let counter = 0;
  const out = () => `out-${counter++}`;
  const quiet = () => memoryIo(dir);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kirchhoff-analyze-'));
    writeFileSync(join(dir, 'tiny.yaml'), tiny(TWO_SLICES));
    expect(await runCli(['train', 'tiny.yaml', '--run-dir', 'run', '--quiet'], memoryIo(dir))).toBe(0);
    const report = await evalCommand('run', {}, quiet());
    reference = { accuracy: report.accuracy!, loss: report.loss };
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('mismatch: σ = 0 is kirchhoff eval exactly; CSVs of every (σ, seed) and a summary; a plot', async () => {
    const io = quiet();
    const folder = out();
    const report = await analyzeCommand('mismatch', 'run', { values: [0, 0.2], seeds: 3, out: folder }, io);
    expect(report.baseline).toMatchObject(reference);
    const zero = report.rows.filter((r) => r.value === 0);
    expect(zero.map((r) => [r.seed, r.accuracy, r.loss])).toEqual([0, 1, 2].map((seed) => [seed, reference.accuracy, reference.loss]));
    // σ > 0 changes the network, differently per seed.
    const perturbed = report.rows.filter((r) => r.value === 0.2);
    expect(new Set(perturbed.map((r) => r.loss)).size).toBe(3);
    expect(perturbed.every((r) => r.loss !== reference.loss)).toBe(true);

    const rows = csvRows(readFileSync(join(dir, folder, 'mismatch.csv'), 'utf8'));
    expect(rows.columns).toEqual(['sigma', 'seed', 'accuracy', 'loss', 'series', 'nfe_per_batch', 'seconds']);
    expect(rows.rows).toHaveLength(6);
    expect(rows.rows.map((r) => Number(r.accuracy))).toEqual(report.rows.map((r) => r.accuracy));
    expect(readFileSync(join(dir, folder, 'mismatch.csv'), 'utf8')).not.toMatch(/partial/);
    const summary = csvRows(readFileSync(join(dir, folder, 'mismatch-summary.csv'), 'utf8'));
    expect(summary.columns).toEqual(['sigma', 'series', 'n', 'mean', 'std', 'min', 'max', 'mean_loss']);
    const accuracies = perturbed.map((r) => r.accuracy);
    const mean = accuracies.reduce((a, b) => a + b) / 3;
    expect(summary.rows[1]).toMatchObject({ sigma: '0.2', series: 'gaussian', n: '3', min: String(Math.min(...accuracies)), max: String(Math.max(...accuracies)) });
    expect(Number(summary.rows[1].mean)).toBeCloseTo(mean, 14);
    expect(Number(summary.rows[1].std)).toBeCloseTo(Math.sqrt(accuracies.reduce((s, a) => s + (a - mean) ** 2, 0) / 2), 14);
    expect(pngSize(readFileSync(join(dir, folder, 'mismatch.png'))).width).toBeGreaterThan(400);
    expect(readFileSync(join(dir, folder, 'mismatch.svg'), 'utf8')).toContain('unperturbed');
    expect(io.stderr()).toMatch(/\[6\/6\] σ = 0\.2, seed 2: accuracy/);

    // A seed fixes the perturbation: the same row again, on a network restored after every setting.
    const again = await analyzeCommand('mismatch', 'run', { values: [0.2], seeds: 3, out: folder, force: true }, quiet());
    expect(again.rows.map((r) => r.loss)).toEqual(perturbed.map((r) => r.loss));
    // One parameter row perturbed is another network than all of them.
    const oneRow = await analyzeCommand('mismatch', 'run', { values: [0.2], seeds: 1, param: 'theta0', out: out() }, quiet());
    expect(oneRow.rows[0].loss).not.toBe(perturbed[0].loss);
    expect(oneRow.series).toBe('gaussian theta0');
  });

  it('quantize: many bits give eval’s accuracy; 2 bits leave at most 3 levels per parameter row', async () => {
    const report = await analyzeCommand('quantize', 'run', { values: [2, 40], out: out() }, quiet());
    const [two, forty] = report.rows;
    expect(forty.accuracy).toBe(reference.accuracy);
    expect(forty.loss).toBeCloseTo(reference.loss, 9);
    expect(two.loss).not.toBe(reference.loss);
    expect(report.rows.every((r) => r.seed === undefined)).toBe(true);

    const { plan } = await loadTrainedNetwork('run', {}, quiet());
    const { network } = plan;
    const snapshot = snapshotNetwork(network);
    quantizeParameters(network, snapshot, 2);
    network.model.slices.flatMap((s) => s.circuit.groups).forEach((group, g) => {
      for (let k = 0; k < group.params.length / group.size; k++) {
        const row = group.params.subarray(k * group.size, (k + 1) * group.size);
        const pristine = snapshot.params[g].subarray(k * group.size, (k + 1) * group.size);
        const max = Math.max(...Array.from(pristine, Math.abs));
        expect(new Set(row).size).toBeLessThanOrEqual(3);
        // The levels are −m, 0 and m, m the row's largest |θ|, each θ at the nearest.
        // (+ 0 makes the −0 that rounding small negative θ gives compare as 0.)
        row.forEach((v, e) => expect(v + 0).toBe(Math.abs(pristine[e]) < max / 2 ? 0 : Math.sign(pristine[e]) * max));
      }
    });
    restoreNetwork(network, snapshot);
    network.params.forEach((p, g) => expect(Array.from(p)).toEqual(Array.from(snapshot.params[g])));
  });

  it('readout-noise: σ_v = 0 is eval; a huge σ_v leaves chance accuracy', async () => {
    const report = await analyzeCommand('readout-noise', 'run', { values: [0, 1e6], seeds: 3, out: out() }, quiet());
    expect(report.baseline).toMatchObject(reference);
    for (const row of report.rows.filter((r) => r.value === 0)) expect([row.accuracy, row.loss]).toEqual([reference.accuracy, reference.loss]);
    // Two balanced classes: a coin flip per sample, 200 samples (a standard deviation of 3.5 %).
    for (const row of report.rows.filter((r) => r.value === 1e6)) expect(Math.abs(row.accuracy - 0.5)).toBeLessThan(0.15);
    expect(report.rows.find((r) => r.value === 1e6)!.nfePerBatch).toBe(0);
  });

  it('readout-time: δ = 0 is eval, and T + δ is eval of a config whose last slice runs δ longer', async () => {
    const report = await analyzeCommand('readout-time', 'run', { values: [-0.2, 0, 0.3], out: out() }, quiet());
    expect(report.rows[1]).toMatchObject(reference);
    for (const [delta, row] of [[-0.2, report.rows[0]], [0.3, report.rows[2]]] as const) {
      const retimed = retimedRun(dir, `retimed${delta}`, `slices: [{ duration: 0.5 }, { duration: ${0.5 + delta} }]`);
      const evaluated = await evalCommand(retimed, {}, quiet());
      expect([row.accuracy, row.loss]).toEqual([evaluated.accuracy, evaluated.loss]);
    }
  });

  it('capacitance: σ = 0 is eval; a uniform C·c is the circuit read at T/c (parasitic C_p: c = 1 + C_p)', async () => {
    const mismatch = await analyzeCommand('capacitance', 'run', { values: [0, 2], seeds: 3, distribution: 'binary', out: out() }, quiet());
    expect(mismatch.rows.filter((r) => r.value === 0).map((r) => [r.accuracy, r.loss])).toEqual(Array(3).fill([reference.accuracy, reference.loss]));
    // ±1 noise at σ = 2 gives factors 3 or −1: the −1 nodes are held at the floor, 0 to 4 of them.
    const clipped = mismatch.rows.filter((r) => r.value === 2).map((r) => r.extra!.clipped);
    expect(clipped.every((n) => Number.isInteger(n) && n >= 0 && n <= 4)).toBe(true);
    expect(clipped.some((n) => n > 0)).toBe(true);

    // C = 1 + 0.25 everywhere: every slice runs 1.25× slower, as a circuit of durations 0.5/1.25 = 0.4.
    const parasitic = await analyzeCommand('parasitic', 'run', { values: [0, 0.25], out: out() }, quiet());
    expect(parasitic.rows[0]).toMatchObject(reference);
    const scaled = await evalCommand(retimedRun(dir, 'scaled', 'slices: 2, duration: 0.4'), {}, quiet());
    expect(parasitic.rows[1].accuracy).toBe(scaled.accuracy);
    expect(parasitic.rows[1].loss).toBeCloseTo(scaled.loss, 7);
  });

  it('on one slice, parasitic C_p and reading at T/(1 + C_p) agree', async () => {
    writeFileSync(join(dir, 'single.yaml'), tiny('slices: 1, duration: 1'));
    expect(await runCli(['train', 'single.yaml', '--run-dir', 'single', '--quiet'], quiet())).toBe(0);
    const single = 'single';
    const parasitic = await analyzeCommand('parasitic', single, { values: [0.6], out: out() }, quiet());
    const early = await analyzeCommand('readout-time', single, { values: [1 / 1.6 - 1], out: out() }, quiet());
    expect(parasitic.rows[0].accuracy).toBe(early.rows[0].accuracy);
    expect(parasitic.rows[0].loss).toBeCloseTo(early.rows[0].loss, 7);
  });

  it('writes CSVs that plot sigma reads, with the setting column as x', async () => {
    const folder = out();
    await analyzeCommand('quantize', 'run', { values: [3, 6], out: folder }, quiet());
    const io = quiet();
    expect(await runCli(['plot', 'sigma', `${folder}/quantize.csv`, '--out', `${folder}/replot`], io)).toBe(0);
    expect(readFileSync(join(dir, folder, 'replot.svg'), 'utf8')).toContain('>bits<');
    expect(io.stderr()).toMatch(/wrote .*replot\.svg/);
  });

  it.each([
    [['analyze', 'drift', 'run'], 2, /^error: analyze: no analysis 'drift'; expected one of mismatch, quantize, capacitance, parasitic, readout-time, readout-noise \[unknown-analysis\]$/m],
    [['analyze', 'mismatch', 'run', '--sigma', '0,-0.1'], 2, /^error: --sigma: σ must be a number ≥ 0, got -0\.1 \[invalid-setting\]$/m],
    [['analyze', 'quantize', 'run', '--bits', '1'], 2, /^error: --bits: bits must be a whole number in 2\.\.53, got 1 \[invalid-setting\]$/m],
    [['analyze', 'quantize', 'run', '--bits', '6.5'], 2, /^error: --bits: bits must be a whole number in 2\.\.53, got 6\.5 \[invalid-setting\]$/m],
    [['analyze', 'readout-time', 'run', '--delta', '0.1,-0.5'], 2, /^error: --delta: δ = -0\.5 would end the last slice \(slice 1, duration 0\.5\) before it starts: every δ must be > −0\.5 \[invalid-readout-delay\]$/m],
    [['analyze', 'mismatch', 'run', '--param', 'phi'], 2, /^error: --param: no branch type of this network has a used parameter row 'phi' \(shift-tanh-2: theta0, theta1, theta2\) \[unknown-param\]$/m],
    [['analyze', 'mismatch', 'tiny.yaml'], 1, /^error: tiny\.yaml: a training config holds no trained parameters: .*--weights .*\[no-parameters\]$/m],
    [['analyze', 'mismatch', 'tiny.yaml', '--weights', 'missing.bin,other.bin'], 1, /^error: missing\.bin: .*does not exist \[file-not-found\]$/m],
  ])('refuses %j with a message at the option', async (argv, code, message) => {
    const io = quiet();
    expect(await runCli([...argv, '--out', out()], io)).toBe(code);
    expect(io.stderr()).toMatch(message);
  });

  it.each([
    ['mismatch', ['--sigma', '--seeds', '--distribution', '--param']],
    ['quantize', ['--bits', '--param']],
    ['capacitance', ['--sigma', '--seeds', '--distribution']],
    ['parasitic', ['--capacitance']],
    ['readout-time', ['--delta']],
    ['readout-noise', ['--sigma', '--seeds', '--distribution']],
  ])('has --help for analyze %s, with its own options and the shared ones', async (kind, own) => {
    const io = quiet();
    expect(await runCli(['analyze', kind, '--help'], io)).toBe(0);
    for (const option of [...own, '--limit', '--batch-size', '--out', '--force', '--json', '--weights', '--plugin']) expect(io.stdout()).toContain(option);
    if (!own.includes('--seeds')) expect(io.stdout()).not.toContain('--seeds');
  });

  it('refuses to replace earlier results without --force', async () => {
    const folder = out();
    expect(await runCli(['analyze', 'parasitic', 'run', '--capacitance', '0', '--out', folder], quiet())).toBe(0);
    const io = quiet();
    expect(await runCli(['analyze', 'parasitic', 'run', '--capacitance', '0.1', '--out', folder], io)).toBe(1);
    expect(io.stderr()).toMatch(/parasitic\.csv, .*already exist: pass --force .*\[output-exists\]/);
    expect(readFileSync(join(dir, folder, 'parasitic.csv'), 'utf8')).toMatch(/\n0,/);
    expect(await runCli(['analyze', 'parasitic', 'run', '--capacitance', '0.1', '--out', folder, '--force'], quiet())).toBe(0);
    expect(readFileSync(join(dir, folder, 'parasitic.csv'), 'utf8')).toMatch(/\n0\.1,/);
    expect(existsSync(join(dir, folder, 'parasitic.png'))).toBe(true);
  });
});
