import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evalCommand } from '../src/commands/eval';
import { runCli } from '../src/program';
import { memoryIo, workspace } from './helpers';

const TINY = `model: { nodes: 4, branch: shift-tanh-2, slices: 2, duration: 0.5, input: [1, 2], readout: [3, 4] }
data: { dataset: two-moons, train: 256, test: 200 }
optimizer: { name: adamw, lr: 0.05 }
training: { epochs: 2, batchSize: 32, evalBatchSize: 64 }
solver: { name: dopri5, rtol: 1.0e-3, atol: 1.0e-3 }
`;

describe('kirchhoff eval', () => {
  let dir: string;
  let summary: { finalTestAccuracy: number; iterations: number };
  let lastEpoch: { testLoss: number; trainAccuracy: number };

  // One trained run for every test here; helpers' workspaces are removed after each test.
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kirchhoff-eval-'));
    writeFileSync(join(dir, 'tiny.yaml'), TINY);
    expect(await runCli(['train', 'tiny.yaml', '--run-dir', 'run', '--quiet'], memoryIo(dir))).toBe(0);
    summary = JSON.parse(readFileSync(join(dir, 'run/summary.json'), 'utf8'));
    lastEpoch = JSON.parse(readFileSync(join(dir, 'run/metrics.jsonl'), 'utf8').trim().split('\n').at(-1)!);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reproduces the run’s final test accuracy and loss from its checkpoint', async () => {
    const io = memoryIo(dir);
    const report = await evalCommand('run', {}, io);
    expect(report).toMatchObject({ split: 'test', samples: 200, epoch: 2, iteration: summary.iterations, batches: 4, solver: 'dopri5' });
    expect(report.accuracy).toBe(summary.finalTestAccuracy);
    expect(report.loss).toBe(lastEpoch.testLoss);
    expect(report.nfePerBatch).toBeGreaterThan(6);
    expect(io.stdout()).toMatch(/^run\/checkpoint\.json: epoch 2, iteration 16\n {2}test split, 200 samples: loss [\d.]+ \(cross-entropy\), accuracy [\d.]+%\n {2}solver dopri5 \(rtol 0\.001, atol 0\.001\): NFE [\d.]+ per batch of 50 \(4 batches\), [\d.]+ s\n$/);
  });

  it('takes a checkpoint file, another split and another solver', async () => {
    const io = memoryIo(dir);
    const report = await evalCommand('run/checkpoint.json', { split: 'train', solver: 'rk4', dt0: 0.05, json: true }, io);
    expect(JSON.parse(io.stdout())).toEqual(report);
    expect(report).toMatchObject({ split: 'train', samples: 256, solver: 'rk4' });
    // rk4 at 0.05 takes 10 steps of 4 evaluations per slice.
    expect(report.nfePerBatch).toBe(80);
    expect(report.accuracy).toBeGreaterThan(0.7);
  });

  it('locates problems with the options at the option', async () => {
    const io = memoryIo(dir);
    expect(await runCli(['eval', 'run', '--solver', 'rk4'], io)).toBe(1);
    expect(io.stderr()).toMatch(/^error: --solver: .*dt0.* \[missing-dt0\]$/m);
  });

  it('reports a truncated checkpoint cleanly', async () => {
    const broken = workspace({});
    for (const file of ['config.yaml', 'checkpoint.json']) writeFileSync(join(broken, file), readFileSync(join(dir, 'run', file), 'utf8'));
    const path = join(broken, 'checkpoint.json');
    writeFileSync(path, readFileSync(path, 'utf8').slice(0, -30));
    const io = memoryIo(broken);
    expect(await runCli(['eval', '.'], io)).toBe(1);
    expect(io.stderr()).toMatch(/^error: checkpoint\.json: not a complete checkpoint .*truncated \[invalid-checkpoint\]\n$/);
  });

  it('needs a run dir, or weights for a bare training config', async () => {
    const config = memoryIo(dir);
    expect(await runCli(['eval', 'tiny.yaml'], config)).toBe(1);
    expect(config.stderr()).toMatch(/^error: tiny\.yaml: a training config holds no trained parameters: .*--weights .*\[no-parameters\]\n$/);
    mkdirSync(join(dir, 'empty'), { recursive: true });
    const notRun = memoryIo(dir);
    expect(await runCli(['eval', 'empty'], notRun)).toBe(1);
    expect(notRun.stderr()).toMatch(/\[missing-run-config\]/);
  });
});
