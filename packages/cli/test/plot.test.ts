import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plotIvCommand, plotRunCommand, plotTrajectoryCommand } from '../src/commands/plot';
import { runCli } from '../src/program';
import { memoryIo, workspace } from './helpers';
import { expectWellFormedSvg, pngSize } from './plot-helpers';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

async function run(argv: string[], cwd: string) {
  const io = memoryIo(cwd);
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

/** Both files exist, the SVG is well formed and holds `texts`, the PNG is a PNG of plausible size. */
function expectPlot(base: string, texts: readonly string[]): string {
  const svg = readFileSync(`${base}.svg`, 'utf8');
  expectWellFormedSvg(svg);
  for (const text of texts) expect(svg.includes(text), `the SVG holds ${text}`).toBe(true);
  const { width, height } = pngSize(readFileSync(`${base}.png`));
  expect(width).toBeGreaterThan(600);
  expect(width).toBeLessThan(4000);
  expect(height).toBeGreaterThan(300);
  expect(height).toBeLessThan(4000);
  return svg;
}

// Two RC discharges: v_n(t) = v0·e^{−g t / C_n}.
const RC = `description: two RC discharges
nodes: 2
capacitance: [1, 2]
duration: 2
branches:
  - type: conductance
    edges: [[1, 0], [2, 0]]
    params: { g: 0.7 }
input: [[1, -2], [0.5, 3]]
solver: { name: dopri5, rtol: 1.0e-10, atol: 1.0e-12 }
`;

// As train.test.ts's tiny run: one epoch of 8 iterations trains in well under a second.
const TINY = `description: tiny two moons
seed: 1
model: { nodes: 4, branch: shift-tanh-2, slices: 2, duration: 0.5, input: [1, 2], readout: [3, 4] }
data: { dataset: two-moons, train: 256, test: 64 }
optimizer: { name: adamw, lr: 0.05 }
training: { epochs: 1, batchSize: 32 }
solver: { name: dopri5, rtol: 1.0e-3, atol: 1.0e-3 }
runDir: out/tiny
`;

describe('kirchhoff plot run', () => {
  // Not a workspace(): those are removed after every test, and the trained run serves several.
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kirchhoff-plot-'));
    writeFileSync(join(dir, 'tiny.yaml'), TINY);
    expect((await run(['train', 'tiny.yaml', '--quiet'], dir)).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('plots loss and accuracy of a trained run against epochs and time, named after the run by default', async () => {
    const { code, stderr } = await run(['plot', 'run', 'out/tiny'], dir);
    expect(code).toBe(0);
    expect(stderr).toContain('tiny-training.png');
    expectPlot(join(dir, 'tiny-training'), ['>Training run tiny<', '>Loss by epoch<', '>Accuracy over time<', '>train<', '>test<', '>accuracy (%)<', 'wall-clock time (s)']);
  });

  it('puts mid-epoch evaluations on the test curve and leaves out accuracy panels for regression', async () => {
    const rows = [
      { type: 'eval', epoch: 1, batch: 4, iteration: 4, testLoss: 1.2, testAccuracy: null, seconds: 100, evalSeconds: 5 },
      { type: 'epoch', epoch: 1, iteration: 8, lr: 0.1, trainLoss: 1.5, trainAccuracy: null, testLoss: 1.0, testAccuracy: null, nfeForward: 10, nfeBackward: 20, rollbacks: 0, seconds: 200 },
      { type: 'rollback', epoch: 1, batch: 2, iteration: 10, reason: 'nan' },
      { type: 'eval', epoch: 2, batch: 4, iteration: 12, testLoss: 0.8, testAccuracy: null, seconds: 300, evalSeconds: 5 },
      { type: 'epoch', epoch: 2, iteration: 16, lr: 0.1, trainLoss: 0.9, trainAccuracy: null, testLoss: 0.7, testAccuracy: null, nfeForward: 10, nfeBackward: 20, rollbacks: 1, seconds: 400 },
    ];
    const runDir = workspace({ 'metrics.jsonl': rows.map((r) => JSON.stringify(r)).join('\n') + '\n' });
    const io = memoryIo(runDir);
    const report = await plotRunCommand('.', { out: 'curves.png' }, io);
    expect(report).toMatchObject({ epochs: 2, evaluations: 2 });
    const svg = expectPlot(join(runDir, 'curves'), ['>Loss by epoch<', '>Loss over time<', 'wall-clock time (min)', '2 mid-epoch evaluations']);
    expect(svg).not.toContain('Accuracy');
  });

  it('says so when the run dir has no metrics.jsonl, and names a malformed line', async () => {
    const empty = workspace({ 'note.txt': '' });
    const missing = await run(['plot', 'run', '.'], empty);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: metrics\.jsonl: no metrics\.jsonl in \.: not a run dir of kirchhoff train.* \[file-not-found\]$/m);

    const broken = workspace({ 'metrics.jsonl': `${readFileSync(join(dir, 'out/tiny/metrics.jsonl'), 'utf8')}{"type": "epoch", "epoch"\n` });
    const bad = await run(['plot', 'run', 'metrics.jsonl'], broken);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: metrics\.jsonl:2: not a JSON record: .* \[invalid-metrics\]$/m);
    expect(existsSync(join(broken, 'metrics-training.svg'))).toBe(false);
  });

  it('plots node trajectories of a test sample of the run with its checkpoint parameters', async () => {
    const io = memoryIo(dir);
    const report = await plotTrajectoryCommand('out/tiny', { sample: 3, points: 11 }, io);
    expect(report.nodes).toEqual([1, 2, 3, 4]);
    expect(report.times).toHaveLength(11);
    expectPlot(join(dir, 'tiny-trajectory-3'), ['test sample 3 (class', '>v3 (output 0)<', '>v4 (output 1)<', 'checkpoint.json (epoch 1, iteration 8)', '>slice 1<']);
  });
});

describe('kirchhoff plot trajectory', () => {
  it('plots the voltages of a circuit file at dense times, matching the analytic RC discharge', async () => {
    const dir = workspace({ 'rc.yaml': RC });
    const report = await plotTrajectoryCommand('rc.yaml', { sample: 1, points: 21, out: 'plots/rc' }, memoryIo(dir));
    expect(report.times[0]).toBe(0);
    expect(report.times[20]).toBe(2);
    report.times.forEach((t, k) => {
      expect(Math.abs(report.voltages[0][k] - 0.5 * Math.exp(-0.7 * t))).toBeLessThan(1e-8);
      expect(Math.abs(report.voltages[1][k] - 3 * Math.exp((-0.7 * t) / 2))).toBeLessThan(1e-8);
    });
    expectPlot(join(dir, 'plots/rc'), ['Node voltages of rc, input row 1', '>v1<', '>v2<', '>time (s)<', '>voltage (V)<']);
  });

  it('refuses a sample or node that does not exist', async () => {
    const dir = workspace({ 'rc.yaml': RC });
    const sample = await run(['plot', 'trajectory', 'rc.yaml', '--sample', '2'], dir);
    expect(sample.code).toBe(2);
    expect(sample.stderr).toMatch(/^error: --sample: sample 2 does not exist: rc\.yaml has 2 samples \(0\.\.1\) \[sample-out-of-range\]$/m);
    const node = await run(['plot', 'trajectory', 'rc.yaml', '--nodes', '1,3'], dir);
    expect(node.code).toBe(2);
    expect(node.stderr).toContain('[node-out-of-range]');
  });
});

describe('kirchhoff plot iv', () => {
  it("plots a conductance's I = g·v and its derivative g", async () => {
    const dir = workspace({});
    const report = await plotIvCommand('conductance', { param: ['g=0.5'], range: '-1:1', points: 5 }, memoryIo(dir));
    expect(report.params).toEqual({ g: 0.5 });
    expect(report.points.map((p) => p.v)).toEqual([-1, -0.5, 0, 0.5, 1]);
    for (const p of report.points) {
      expect(p.current).toBeCloseTo(0.5 * p.v, 14);
      expect(p.dIdVs).toBeCloseTo(0.5, 14);
      expect(p.dIdVd).toBeCloseTo(-0.5, 14);
    }
    expectPlot(join(dir, 'conductance-iv'), ['I-V curve of conductance', 'Δ-type', 'I = g * (vs - vd)', 'g = 0.5', '>I (A)<', '>∂I/∂vs (S)<']);
  });

  it('evaluates a controlled law at vs = vd + v, defaults unset parameters to 1, and shows both partials', async () => {
    const dir = workspace({});
    const report = await plotIvCommand('ShiftTanh2', { param: ['theta0=2', 'theta2=-0.5'], range: '-2:2', vd: 0.3, points: 9, out: 'st2' }, memoryIo(dir));
    expect(report.type).toBe('shift-tanh-2');
    expect(report.params).toEqual({ theta0: 2, theta1: 1, theta2: -0.5 });
    for (const p of report.points) {
      const x = 2 * (0.3 + p.v) + 1 * 0.3 - 0.5;
      expect(p.current).toBeCloseTo(Math.tanh(x), 14);
      expect(p.dIdVs).toBeCloseTo(2 * (1 - Math.tanh(x) ** 2), 12);
      expect(p.dIdVd).toBeCloseTo(1 - Math.tanh(x) ** 2, 12);
    }
    expectPlot(join(dir, 'st2'), ['controlled: vd held at 0.3 V', '>∂I/∂vd<', 'theta1 = 1*']);
  });

  it('names unknown branch types and parameters, and a bad range', async () => {
    const dir = workspace({});
    const type = await run(['plot', 'iv', 'resistor'], dir);
    expect(type.code).toBe(1);
    expect(type.stderr).toMatch(/^error: resistor: no branch type or family 'resistor'; known: .*conductance.* \[unknown-branch-type\]$/m);
    const param = await run(['plot', 'iv', 'conductance', '--param', 'r=2'], dir);
    expect(param.code).toBe(2);
    expect(param.stderr).toMatch(/^error: --param: 'conductance' has no parameter 'r'; its parameters: g \[unknown-param\]$/m);
    const range = await run(['plot', 'iv', 'conductance', '--range', '1:-1'], dir);
    expect(range.code).toBe(2);
    expect(range.stderr).toContain("error: --range: expected a:b with a < b (volts), got '1:-1'");
  });
});

describe('kirchhoff plot sigma', () => {
  it('plots accuracy against σ from a CSV', async () => {
    const csv = ['sigma,seed,accuracy', ...[0, 0.05, 0.1].flatMap((s) => [0, 1, 2].map((seed) => `${s},${seed},${(0.99 - s - 0.01 * seed).toFixed(4)}`))].join('\n');
    const dir = workspace({ 'noise.csv': csv });
    const { code } = await run(['plot', 'sigma', 'noise.csv', '--title', 'Weight noise'], dir);
    expect(code).toBe(0);
    expectPlot(join(dir, 'noise-sigma'), ['>Weight noise<', 'mean over 3 runs per σ', '>accuracy (%)<', '>σ<']);
  });

  it('names the malformed line', async () => {
    const dir = workspace({ 'noise.csv': 'sigma,seed,accuracy\n0,0,0.9\n0.1;1;0.8\n' });
    const { code, stderr } = await run(['plot', 'sigma', 'noise.csv'], dir);
    expect(code).toBe(1);
    expect(stderr).toBe('error: noise.csv:3: 1 fields, but the header has 3 (sigma,seed,accuracy) [invalid-csv]\n');
  });
});

describe('kirchhoff plot circuit', () => {
  it('draws the default simulation circuit: nodes, parallel branches with counts, ground and capacitors', async () => {
    const dir = workspace({});
    const { code } = await run(['plot', 'circuit', join(REPO, 'examples/default-simulation.yaml'), '--slice', '1', '--out', 'tiny'], dir);
    expect(code).toBe(0);
    const svg = expectPlot(join(dir, 'tiny'), ['Circuit of default-simulation, slice 1', '>shift-tanh-2 ×2<', '>shift-tanh-2 (12)<', 'C = 1 F at every node', 'ground (node 0)']);
    for (const n of [1, 2, 3, 4, 5, 6]) expect(svg).toContain(`>${n}</text>`);
  });

  it('marks the input and readout nodes of a training config', async () => {
    const dir = workspace({ 'tiny.yaml': TINY });
    expect((await run(['plot', 'circuit', 'tiny.yaml'], dir)).code).toBe(0);
    expectPlot(join(dir, 'tiny-circuit'), ['>input<', '>readout<', '>shift-tanh-2 (40)<']);
  });

  it('refuses a circuit of more than 40 nodes before building it, and a slice that does not exist', async () => {
    const big = RC.replace('nodes: 2', 'nodes: 41').replace('capacitance: [1, 2]', 'capacitance: 1').replace('input: [[1, -2], [0.5, 3]]', `input: [[${new Array(41).fill(0).join(', ')}]]`);
    const dir = workspace({ 'big.yaml': big, 'rc.yaml': RC });
    const tooLarge = await run(['plot', 'circuit', 'big.yaml'], dir);
    expect(tooLarge.code).toBe(1);
    expect(tooLarge.stderr).toBe('error: big.yaml: 41 nodes: a circuit drawing shows at most 40 (a drawing of more is a blur of arrows) [circuit-too-large]\n');
    const slice = await run(['plot', 'circuit', 'rc.yaml', '--slice', '1'], dir);
    expect(slice.code).toBe(2);
    expect(slice.stderr).toContain('[slice-out-of-range]');
  });
});

describe('kirchhoff plot --help', () => {
  it.each(['run', 'trajectory', 'iv', 'sigma', 'circuit'])('has --help for plot %s', async (sub) => {
    const { code, stdout } = await run(['plot', sub, '--help'], workspace({}));
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: kirchhoff plot ${sub}`);
    expect(stdout).toContain('--out <path>');
  });
});
