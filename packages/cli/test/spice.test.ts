import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithNgspice } from '@kirchhoff/core/testing';
import { cosimCommand } from '../src/commands/cosim';
import { exportSpiceCommand } from '../src/commands/export';
import { runCli } from '../src/program';
import { memoryIo, parseCsv, workspace } from './helpers';

const EXAMPLE = fileURLToPath(new URL('../../../examples/default-simulation.yaml', import.meta.url));

/** A plugin whose function has no SPICE form: a JavaScript function without a definition expression. */
const FROUND_PLUGIN = `export const fround = { name: 'fround', params: ['x'], jsName: 'Math.fround', partials: ['1'], evaluate: Math.fround, description: 'float32 rounding' };\n`;
const FROUND_CIRCUIT = `nodes: 2
plugins: [./fround.mjs]
branchTypes:
  - { name: single-precision, kind: delta, params: [g], current: g * fround(vs - vd) }
duration: 1
branches:
  - { type: single-precision, edges: [[1, 2]], params: { g: 0.5 } }
input: [[1, 0]]
`;
/** dv/dt = v² from v(0) = 1: runs away at t = 1, inside the 2-s slice. */
const RUNAWAY = `nodes: 1
branchTypes:
  - { name: square-law, kind: controlled, params: [], current: vd * vd }
duration: 2
branches:
  - { type: square-law, edges: [[0, 1]] }
input: [[1]]
`;

describe('kirchhoff export spice', () => {
  it('writes one slice of a circuit file to standard output, with a summary on stderr', async () => {
    const io = memoryIo(process.cwd());
    expect(await runCli(['export', 'spice', EXAMPLE, '--slice', '1', '--input', '2'], io)).toBe(0);
    const lines = io.stdout().split('\n');
    expect(lines[0]).toMatch(/^Kirchhoff export: .*default-simulation\.yaml \(tiny ShiftTanh2 circuit.*\), input 2, slice 1 of 2$/);
    expect(lines.filter((l) => /^C\d /.test(l))).toHaveLength(6);
    expect(lines).toContain('C1 1 0 1 IC=(-0.12594094733194452)');
    expect(lines.filter((l) => /^B0_\d+ /.test(l))).toHaveLength(12);
    expect(lines).toContain('B0_0 0 4 I = tanh(0.06366005246062258 * v(4) + 0.09692660944504228)');
    expect(lines).toContain('B0_1 1 2 I = tanh((-1.3982038303457798) * v(1) + (-1.3151656428191458) * v(2) + 0.8296166982045352)');
    expect(lines).toContain('.tran 0.0025 0.5 0 0.00025 uic');
    expect(io.stderr()).toMatch(/6 nodes, 2 slices of 12 \+ 12 branches \(shift-tanh-2\): slice 1 → standard output/);
  });

  it('asks for --slice or --out-dir when the model has several slices', async () => {
    const io = memoryIo(process.cwd());
    expect(await runCli(['export', 'spice', EXAMPLE], io)).toBe(2);
    expect(io.stderr()).toMatch(/--slice: the model has 2 slices, one netlist each: pass --slice k .* or --out-dir for all \[usage\]/);
    expect(await runCli(['export', 'spice', EXAMPLE, '--slice', '3'], io)).toBe(2);
    expect(await runCli(['export', 'spice', EXAMPLE, '--capacitance', 'big'], io)).toBe(2);
  });

  it("writes every slice to --out-dir, later slices starting where Kirchhoff's simulation is then, and reports ranges, rails and settling", async () => {
    const dir = workspace({});
    const io = memoryIo(dir);
    const result = await exportSpiceCommand(EXAMPLE, { outDir: 'spice', report: true, capacitance: 1e-12, timeConstant: 1e-9 }, io);
    expect(result.written.map((p) => p.slice(dir.length + 1))).toEqual(['spice/slice-1.cir', 'spice/slice-2.cir']);
    const second = readFileSync(join(dir, 'spice/slice-2.cir'), 'utf8');
    expect(second).toContain('.tran 2.5e-12 5e-10 0 2.5e-13 uic');
    expect(second).toContain('C3 3 0 1e-12 IC=');
    expect(second).toContain('I = 0.001 * (tanh(');
    // The initial voltages of slice 2 are those `kirchhoff simulate` writes at t = 0.5.
    const simulated = memoryIo(dir);
    expect(await runCli(['simulate', EXAMPLE, '--save', '0.5'], simulated)).toBe(0);
    const row = parseCsv(simulated.stdout()).rows.find((r) => r[1] === 0)!;
    const ics = [...second.matchAll(/^C(\d) \d 0 \S+ IC=\(?([-\d.e]+)\)?$/gm)].map((m) => Number(m[2]));
    ics.forEach((v, n) => expect(v).toBeCloseTo(row[2 + n], 8));
    const err = io.stderr();
    expect(err).toContain('units: 1 model farad = 1 pF, 1 model time unit = 1 ns, 1 model volt = 1 V; branch currents × 1 mA per model unit');
    expect(err).toMatch(/node 6 \(readout\): -?[\d.]+ m?V … -?[\d.]+ m?V/);
    expect(err).toMatch(/supply rails: every node stays within \[-[\d.]+ m?V, [\d.]+ m?V\]/);
    expect(err).toMatch(/slice 2: settled [\d.]+ ps into the 500 ps slice \([\d.]+%; last: node \d/);
    expect(result.report?.settling).toHaveLength(2);
  });

  it('refuses a branch type whose law uses a function SPICE lacks, naming the type and the function', async () => {
    const dir = workspace({ 'fround.mjs': FROUND_PLUGIN, 'circuit.yaml': FROUND_CIRCUIT });
    const io = memoryIo(dir);
    expect(await runCli(['export', 'spice', 'circuit.yaml'], io)).toBe(1);
    expect(io.stderr()).toMatch(/^error: circuit\.yaml: branch type 'single-precision': function 'fround' has no ngspice form .* \[spice-unsupported-function\]$/m);
  });
});

describeWithNgspice('kirchhoff cosim', () => {
  it('runs both slices in ngspice and agrees with Kirchhoff (physical units)', async () => {
    const io = memoryIo(process.cwd());
    const report = await cosimCommand(EXAMPLE, { input: 1, capacitance: 1e-12, timeConstant: 1e-9 }, io);
    expect(report.result.passed).toBe(true);
    expect(report.result.worst.maxRelError).toBeLessThan(1e-4);
    const out = io.stdout();
    expect(out).toMatch(/slice 1: 12 B-sources, [\d.]+ MB deck; ngspice [\d.]+ s \(transient analysis [\d.]+ s\), \d+ timepoints; worst node \d: .* — ok/);
    expect(out).toMatch(/readout at T = 1 ns:\n {4}node 1: Kirchhoff -?[\d.]+ V, ngspice -?[\d.]+ V/);
    expect(out).toMatch(/agreement: worst relative error [\d.e-]+ \(slice \d, node \d\) against rtol 0\.0001, atol 1 µV — ok/);
    expect(out).toContain("voltages (ngspice's trajectory):");
  });

  it('keeps the decks and logs with --keep, and prints JSON with --json', async () => {
    const dir = workspace({});
    const io = memoryIo(dir);
    expect(await runCli(['cosim', EXAMPLE, '--keep', 'decks', '--json'], io)).toBe(0);
    expect(existsSync(join(dir, 'decks/slice-2/circuit.cir'))).toBe(true);
    expect(readFileSync(join(dir, 'decks/slice-1/ngspice.log'), 'utf8')).toContain('Transient analysis time');
    const json = JSON.parse(io.stdout());
    expect(json.result.slices).toHaveLength(2);
    expect(json.result.slices[1].spice).toHaveLength(6);
    expect(json.result.passed).toBe(true);
  });

  it('fails with exit code 1 when the tolerance is not met', async () => {
    const io = memoryIo(process.cwd());
    expect(await runCli(['cosim', EXAMPLE, '--max-step', '0.1', '--rtol', '1e-9', '--atol', '1e-12'], io)).toBe(1);
    expect(io.stderr()).toMatch(/ngspice and Kirchhoff disagree by [\d.e-]+ \(relative\) at node \d at the end of slice \d; tolerance rtol 1e-9.* \[cosim-disagreement\]/);
  });

  it('says so clearly when ngspice is missing or does not converge', async () => {
    const missing = memoryIo(process.cwd());
    expect(await runCli(['cosim', EXAMPLE, '--ngspice', '/nonexistent/ngspice'], missing)).toBe(1);
    expect(missing.stderr()).toMatch(/^error: --ngspice: ngspice is not installed or not on PATH \(tried '\/nonexistent\/ngspice'\): install it \(Debian\/Ubuntu: apt-get install ngspice.* \[ngspice-not-found\]$/m);
    const dir = workspace({ 'runaway.yaml': RUNAWAY });
    const io = memoryIo(dir);
    expect(await runCli(['cosim', 'runaway.yaml'], io)).toBe(1);
    expect(io.stderr()).toMatch(/^error: runaway\.yaml: ngspice did not converge at t = 0\.99\d* s: .*Timestep too small.* \[ngspice-no-convergence\]$/m);
  });
});

describeWithNgspice('export and cosim of a trained run', () => {
  const TINY = `model: { nodes: 4, branch: shift-tanh-2, slices: 2, duration: 0.5, input: [1, 2], readout: [3, 4] }
data: { dataset: two-moons, train: 128, test: 64 }
optimizer: { name: adamw, lr: 0.05 }
training: { epochs: 1, batchSize: 32, evalBatchSize: 64 }
solver: { name: dopri5, rtol: 1.0e-3, atol: 1.0e-3 }
`;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kirchhoff-spice-run-'));
    writeFileSync(join(dir, 'tiny.yaml'), TINY);
    expect(await runCli(['train', 'tiny.yaml', '--run-dir', 'run', '--quiet'], memoryIo(dir))).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exports a slice of a run for a test sample, with the readout nodes', async () => {
    const io = memoryIo(dir);
    expect(await runCli(['export', 'spice', 'run', '--slice', '2', '--input', '3', '--out', 'net.cir'], io)).toBe(0);
    const text = readFileSync(resolve(dir, 'net.cir'), 'utf8');
    expect(text.split('\n')[0]).toMatch(/^Kirchhoff export: run\/checkpoint\.json, test sample 3 \(class [01]\), slice 2 of 2$/);
    expect(text).toContain('* Readout: nodes 3, 4, at the end of the slice (t = 500 ms)');
    expect(text).toContain('.meas tran v4_end find v(4) at=0.5');
    expect(text.match(/^B0_\d+ /gm)).toHaveLength(40);
  });

  it('takes a training config with raw parameter files, one per slice (as eval --weights)', async () => {
    // fully-connect over 4 nodes and ground, both directions: 40 edges of 3 parameters per slice.
    const values = (k: number) => Float32Array.from({ length: 120 }, (_, i) => ((i * 7 + k * 3) % 11) / 10 - 0.5);
    writeFileSync(join(dir, 'w1.bin'), Buffer.from(values(1).buffer));
    writeFileSync(join(dir, 'w2.bin'), Buffer.from(values(2).buffer));
    const io = memoryIo(dir);
    expect(await runCli(['export', 'spice', 'tiny.yaml', '--weights', 'w1.bin,w2.bin', '--slice', '2'], io)).toBe(0);
    const [b0] = io.stdout().match(/^B0_0 .*$/m)!;
    const theta = [0, 40, 80].map((row) => values(2)[row]);
    expect(b0).toContain(`tanh(`);
    expect(b0).toContain(String(theta[2] < 0 ? `(${theta[2]})` : theta[2]));
    expect(io.stderr()).toMatch(/^tiny\.yaml: training config with weights from files, test sample 0/);
    expect(await runCli(['export', 'spice', 'tiny.yaml', '--weights', 'w1.bin', '--slice', '2'], memoryIo(dir))).toBe(1);
  });

  it('co-simulates the run’s checkpoint', async () => {
    const io = memoryIo(dir);
    const report = await cosimCommand('run/checkpoint.json', { input: 3 }, io);
    expect(report.result.passed).toBe(true);
    expect(report.result.readoutNodes).toEqual([3, 4]);
    expect(io.stdout()).toMatch(/^run\/checkpoint\.json: test sample 3 \(class [01]\); ngspice-\d+/);
  });
});
