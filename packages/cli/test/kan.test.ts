import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinFunctionRules, createMath, ngspiceAvailable, sampleEdge } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAnyTrainFile, trainingPlugins } from '../src/config/train-decode';
import { buildFeedForwardTraining } from '../src/config/train-kan';
import { isFeedForwardConfig } from '../src/config/train-schema';
import { createTrainingContainer } from '../src/engine';
import { loadKanRun } from '../src/kan/run';
import { runCli } from '../src/program';
import { memoryIo, workspace } from './helpers';
// @ts-expect-error: a plain ES module script of the examples, without types
import { CURVES, sample } from '../../../examples/kan/generate-iv.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** A checkpoint's encoded tensor (little-endian float64, base64). */
const decodeFloat64Array = (encoded: { base64: string }) => {
  const bytes = Buffer.from(encoded.base64, 'base64');
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
};

const TINY_KAN = `description: tiny KAN on two moons
seed: 1
model:
  kind: kan
  widths: [2, 4, 2]
  bases:
    - { branch: tunnel-diode, voltage: [0, 0.3], input: [-1.5, 1.5] }
    - { branch: schulman-rtd, voltage: [0, 2.5], input: [-1.5, 1.5] }
  norm: batch
data: { dataset: two-moons, train: 512, test: 256, seed: 1, validation: 0.1 }
optimizer: { name: adam, lr: 1.0e-2 }
training: { epochs: 6, batchSize: 32, evalBatchSize: 64 }
runDir: out/kan
`;

async function run(argv: string[], cwd: string) {
  const io = memoryIo(cwd);
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr(), io };
}

async function buildExample(file: string) {
  const decoded = await decodeAnyTrainFile(file, root);
  if (E.isLeft(decoded) || !isFeedForwardConfig(decoded.right.config)) throw new Error(`${file} is not a KAN config`);
  const plugins = await trainingPlugins(decoded.right, [], root);
  const built = await buildFeedForwardTraining({ ...decoded.right, config: decoded.right.config }, createTrainingContainer(plugins), { cwd: root });
  if (E.isLeft(built)) throw new Error(built.left.map((i) => i.message).join('\n'));
  return built.right;
}

describe('KANalogue examples', () => {
  it('examples/kan-mnist.yaml is the reference 2-basis MNIST model: 26,570 parameters, 392 + 128 devices', async () => {
    const plan = await buildExample('examples/kan-mnist.yaml');
    expect(plan.model.parameterCount).toBe(26_570);
    expect(plan.train.inputDim).toBe(196);
    expect(plan.validation?.count).toBe(6000);
    expect(plan.train.count).toBe(54_000);
  });

});

describe('kan configs: bad input', () => {
  const config = (model: string, data = '{ dataset: two-moons, train: 64, test: 64 }') =>
    `seed: 1\nmodel: ${model}\ndata: ${data}\noptimizer: { name: adam }\ntraining: { epochs: 1, batchSize: 8 }\n`;

  it('names an unregistered basis and lists the registered types', async () => {
    const dir = workspace({ 'bad.yaml': config('{ kind: kan, widths: [2, 3, 2], bases: [tunnel-diode, { branch: tunnel-diod, voltage: [0, 0.3] }] }') });
    const { code, stderr } = await run(['train', 'bad.yaml'], dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/bad\.yaml:2:\d+: model\.bases\[1\]\.branch: .*tunnel-diod.*schulman-rtd.*\[unknown-basis\]/);
  });

  it('says both numbers when the widths do not match the data', async () => {
    const dir = workspace({ 'bad.yaml': config('{ kind: kan, widths: [3, 3, 4], bases: [tunnel-diode] }') });
    const { code, stderr } = await run(['train', 'bad.yaml'], dir);
    expect(code).toBe(1);
    expect(stderr).toContain('model.widths[0]: widths[0] is 3, but the dataset has 2 features per sample [input-width]');
    expect(stderr).toContain('model.widths[2]: the last width is 4, but the dataset has 2 classes [output-width]');
  });

  it('refuses a KAN in commands that work on KirchhoffNets only', async () => {
    const dir = workspace({ 'kan.yaml': config('{ kind: kan, widths: [2, 3, 2], bases: [tunnel-diode] }') });
    const { code, stderr } = await run(['verify', 'kan.yaml'], dir);
    expect(code).toBe(1);
    expect(stderr).toContain('[unsupported-model-kind]');
  });
});

describe('a trained KAN', () => {
  // Shared by the tests below (helpers' workspaces are removed after each test).
  const dir = mkdtempSync(join(tmpdir(), 'kirchhoff-kan-'));
  writeFileSync(join(dir, 'kan.yaml'), TINY_KAN);
  const runDir = join(dir, 'out/kan');
  let summary: { finalTestAccuracy: number; restoredEpoch: number; bestEpoch: number };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(async () => {
    const trained = await run(['train', 'kan.yaml', '--quiet'], dir);
    expect(trained.code, trained.stderr).toBe(0);
    summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
  });

  it('trains with a validation split and restores the best validation epoch', () => {
    expect(summary.finalTestAccuracy).toBeGreaterThan(0.85);
    expect(summary.restoredEpoch).toBe(summary.bestEpoch);
    const epochs = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(epochs.every((m) => m.validationAccuracy >= 0 && m.validationAccuracy <= 1)).toBe(true);
  });

  it('evaluates to the final test accuracy (the restored state is the checkpoint)', async () => {
    const { code, stdout } = await run(['eval', 'out/kan', '--json'], dir);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).accuracy).toBe(summary.finalTestAccuracy);
  });

  it('prunes nothing at threshold 0 and every edge at Infinity, leaving the biases', async () => {
    const original = JSON.parse(readFileSync(join(runDir, 'checkpoint.json'), 'utf8')).params;
    expect((await run(['kan', 'prune', 'out/kan', '--threshold', '0', '--out', 'p0.json'], dir)).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'p0.json'), 'utf8')).params).toEqual(original);
    const all = await run(['kan', 'prune', 'out/kan', '--threshold', 'Infinity', '--out', 'pinf.json'], dir);
    expect(all.stdout).toContain('layer 0 0/8, layer 1 0/8 edges left');
    const pruned = JSON.parse(readFileSync(join(dir, 'pinf.json'), 'utf8')).params.map(decodeFloat64Array);
    const kan = await loadKanRun('out/kan', memoryIo(dir));
    kan.plan.model.layout.forEach((L) => {
      expect(pruned[L.coefficients].every((c: number) => c === 0)).toBe(true);
      expect(Array.from(pruned[L.bias])).toEqual(Array.from(kan.plan.model.params[L.bias]));
    });
  });

  it('gives the evaluation accuracy at σ = 0 in the noise sweep, and less at large σ', async () => {
    const { code, stdout } = await run(['kan', 'noise', 'out/kan', '--sigmas', '0,0.46', '--seeds', '2', '--out', 'noise'], dir);
    expect(code).toBe(0);
    const rows = readFileSync(join(dir, 'noise.csv'), 'utf8').split('\n').filter((l) => /^\d/.test(l)).map((l) => l.split(','));
    expect(rows.filter((r) => r[0] === '0').map((r) => Number(r[2]))).toEqual([summary.finalTestAccuracy, summary.finalTestAccuracy]);
    expect(stdout).toMatch(/^0\.46,/m);
  });

  it('exports every edge as a closed form that evaluates to the edge function', async () => {
    const { stdout } = await run(['kan', 'export', 'out/kan'], dir);
    const exported = JSON.parse(stdout);
    const kan = await loadKanRun('out/kan', memoryIo(dir));
    const math = createMath(builtinFunctionRules);
    const edge = exported.layers[1].edges[5];
    const xs = Float64Array.of(-0.7, 0.1, 0.9, 2);
    const expected = sampleEdge(kan.plan.model, { layer: 1, input: edge.input, output: edge.output }, xs);
    xs.forEach((x, k) => expect(math.evaluate(edge.expression, { x }) as number).toBeCloseTo(expected[k], 12));
  });

  it('reports its devices and crossbar', async () => {
    const { stdout } = await run(['kan', 'report', 'out/kan'], dir);
    expect(stdout).toContain('layer 0: 4 devices and TIAs (2 inputs × 2 bases), crossbar 4 × 4');
    expect(stdout).toContain('layer 1: 8 devices and TIAs (4 inputs × 2 bases), crossbar 8 × 2');
  });

  it('kirchhoff export spice writes the same netlist as kirchhoff kan spice for a KAN run', async () => {
    const viaKan = await run(['kan', 'spice', 'out/kan', '--sample', '3'], dir);
    const viaExport = await run(['export', 'spice', 'out/kan', '--input', '3'], dir);
    expect(viaExport.code).toBe(0);
    expect(viaExport.stdout).toContain('.end');
    expect(viaExport.stdout).toBe(viaKan.stdout);
  });

  it.skipIf(!ngspiceAvailable())('runs in ngspice as devices, TIAs and a differential crossbar, agreeing within 1e-6', async () => {
    const { code, stdout } = await run(['kan', 'spice', 'out/kan', '--sample', '7', '--check'], dir);
    expect(code).toBe(0);
    const worst = Number(/max \|Δy\| = (\S+)/.exec(stdout)![1]);
    expect(worst).toBeLessThan(1e-6);
  });
});

describe('a device fitted by fit-device as a basis, end to end', () => {
  it('fits I-V points, loads the module as a plugin and trains a KAN on it', async () => {
    const csv = ['voltage,current', ...sample(CURVES['z15-like']).map(([v, i]: number[]) => `${v},${i}`)].join('\n');
    const dir = workspace({
      'z15.csv': csv,
      'fitted.yaml': TINY_KAN.replace(/  bases:\n(.*\n){2}/, '  bases:\n    - { branch: z15-fit, voltage: [0, 1.0], input: [-1.5, 1.5] }\n    - { branch: tunnel-diode, voltage: [0, 0.3], input: [-1.5, 1.5] }\n').replace('runDir: out/kan', 'runDir: out/fitted\nplugins: [z15.mjs]'),
    });
    const fit = await run(['fit-device', 'z15.csv', '--spline', '--smoothing', '0.1', '--name', 'z15-fit', '--out', 'z15.mjs'], dir);
    expect(fit.code, fit.stderr).toBe(0);
    const trained = await run(['train', 'fitted.yaml', '--quiet'], dir);
    expect(trained.code, trained.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'out/fitted/summary.json'), 'utf8')).finalTestAccuracy).toBeGreaterThan(0.8);
    const exported = JSON.parse((await run(['kan', 'export', 'out/fitted'], dir)).stdout);
    expect(exported.layers[0].bases[0].name).toBe('z15-fit');
  });
});
