import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../src/program';
import { memoryIo, workspace } from './helpers';

// A run small enough to train in well under a second: 8 iterations per epoch, 2 epochs.
const TINY = `# a tiny run
description: tiny two moons
seed: 1
model: { nodes: 4, branch: shift-tanh-2, slices: 2, duration: 0.5, input: [1, 2], readout: [3, 4] }
data: { dataset: two-moons, train: 256, test: 256 }
optimizer: { name: adamw, lr: 0.05 }
training: { epochs: 2, batchSize: 32 }
solver: { name: dopri5, rtol: 1.0e-3, atol: 1.0e-3 }
runDir: out/tiny
`;

async function run(argv: string[], cwd: string) {
  const io = memoryIo(cwd);
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe('kirchhoff train', () => {
  it('trains end to end, filling the run dir, and beats chance', async () => {
    const dir = workspace({ 'tiny.yaml': TINY });
    const { code, stdout, stderr } = await run(['train', 'tiny.yaml', '--progress', 'lines'], dir);
    expect(stderr).toMatch(/^epoch 1\/2 {2}batch 2\/8 {2}loss \d\.\d{4} {2}acc [\d.]+% {2}NFE \d+\+\d+ {2}lr 0\.05/m);
    expect(code).toBe(0);
    const runDir = join(dir, 'out/tiny');
    for (const file of ['config.yaml', 'checkpoint.json', 'metrics.jsonl', 'summary.json']) expect(existsSync(join(runDir, file)), file).toBe(true);

    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ epochs: 2, iterations: 16, interrupted: false });
    expect(summary.finalTestAccuracy).toBeGreaterThan(0.7);
    const epochs = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(epochs.map((m) => m.epoch)).toEqual([1, 2]);
    expect(epochs[1].testAccuracy).toBe(summary.finalTestAccuracy);

    expect(stdout).toMatch(/^epoch 2\/2: train loss/m);
    const final = stdout.trim().split('\n').at(-1);
    const accuracy = `${(100 * summary.finalTestAccuracy).toFixed(2)}%`;
    expect(final).toMatch(new RegExp(`^final test accuracy: ${accuracy.replace('.', '\\.')} \\(best [\\d.]+% at epoch [12]\\), 2 epochs, [\\d.]+ s$`));

    // The copy keeps the comments, drops runDir (the folder is the run dir) and otherwise equals the config.
    const copy = readFileSync(join(runDir, 'config.yaml'), 'utf8');
    expect(copy).toContain('# a tiny run');
    const { runDir: _, ...rest } = parse(TINY);
    expect(parse(copy)).toEqual(rest);
  });

  it('never replaces an earlier run’s checkpoint unless forced', async () => {
    const dir = workspace({ 'tiny.yaml': TINY.replace('epochs: 2', 'epochs: 1') });
    expect((await run(['train', 'tiny.yaml', '--quiet'], dir)).code).toBe(0);
    const before = readFileSync(join(dir, 'out/tiny/checkpoint.json'), 'utf8');
    const refused = await run(['train', 'tiny.yaml', '--quiet'], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: out\/tiny: .*--resume.*--force.* \[run-dir-exists\]$/m);
    expect(readFileSync(join(dir, 'out/tiny/checkpoint.json'), 'utf8')).toBe(before);

    const forced = await run(['train', 'tiny.yaml', '--quiet', '--force', '--epochs', '2'], dir);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/^final test accuracy: .*, 2 epochs, /);
    expect(parse(readFileSync(join(dir, 'out/tiny/config.yaml'), 'utf8')).training.epochs).toBe(2);
  });

  it('resumes only the same run, and extends a finished one with --epochs', async () => {
    const dir = workspace({ 'tiny.yaml': TINY.replace('epochs: 2', 'epochs: 1'), 'other.yaml': TINY.replace('lr: 0.05', 'lr: 0.01') });
    expect((await run(['train', 'tiny.yaml', '--quiet'], dir)).code).toBe(0);

    const mismatch = await run(['train', 'other.yaml', '--resume', '--run-dir', 'out/tiny', '--quiet'], dir);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/^error: other\.yaml: the config differs from the run's copy in optimizer\.lr.* \[config-mismatch\]$/m);

    const complete = await run(['train', '--resume', '--run-dir', 'out/tiny', '--quiet'], dir);
    expect(complete.stderr).toMatch(/\[run-complete\]/);

    const extended = await run(['train', '--resume', '--run-dir', 'out/tiny', '--epochs', '2', '--progress', 'none'], dir);
    expect(extended.code).toBe(0);
    expect(extended.stdout).toMatch(/resumed from .*checkpoint\.json: epoch 2, batch 1\/8, iteration 8/);
    expect(extended.stdout).toMatch(/, 2 epochs, /);
    expect(parse(readFileSync(join(dir, 'out/tiny/config.yaml'), 'utf8')).training.epochs).toBe(2);
  });

  it('reports a truncated checkpoint on --resume cleanly', async () => {
    const dir = workspace({ 'tiny.yaml': TINY.replace('epochs: 2', 'epochs: 1') });
    expect((await run(['train', 'tiny.yaml', '--quiet'], dir)).code).toBe(0);
    const path = join(dir, 'out/tiny/checkpoint.json');
    writeFileSync(path, readFileSync(path, 'utf8').slice(0, 200));
    const { code, stderr } = await run(['train', 'tiny.yaml', '--resume', '--epochs', '2', '--quiet'], dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: out\/tiny\/checkpoint\.json: not a complete checkpoint .* \[invalid-checkpoint\]\n$/);
  });

  it('augments the training batches of an image run when the config asks for it', async () => {
    // 7 × 7 MNIST (49 input nodes) and 10 readout nodes; one epoch of two batches, with and without augmentation.
    const images = (augment: string) => `seed: 1
model: { nodes: 59, branch: shift-tanh-2, topology: { generator: fully-connect, options: { repeat: [1, 0] } }, duration: 0.5, readout: { last: 10 } }
data: { dataset: mnist, train: 64, test: 32, options: { size: 7 }${augment} }
optimizer: { name: adamw, lr: 0.01 }
training: { epochs: 1, batchSize: 32 }
solver: { name: dopri5, rtol: 1.0e-2, atol: 1.0e-2 }
`;
    const dir = workspace({ 'plain.yaml': images(''), 'augmented.yaml': images(', augment: { name: random-affine }') });
    const metrics = (name: string) => JSON.parse(readFileSync(join(dir, 'runs', name, 'metrics.jsonl'), 'utf8').trim());
    for (const name of ['plain', 'augmented']) expect((await run(['train', `${name}.yaml`, '--quiet'], dir)).code).toBe(0);
    expect(metrics('augmented').trainLoss).not.toBe(metrics('plain').trainLoss);
    // The test set is never augmented, but the parameters it is evaluated with differ.
    expect(metrics('augmented').testLoss).not.toBe(metrics('plain').testLoss);
    expect(parse(readFileSync(join(dir, 'runs/augmented/config.yaml'), 'utf8')).data.augment).toEqual({ name: 'random-affine' });
  });

  it('refuses a config with problems before touching the run dir', async () => {
    const dir = workspace({ 'bad.yaml': TINY.replace('adamw', 'adamx') });
    const { code, stderr } = await run(['train', 'bad.yaml'], dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: bad\.yaml:6:\d+: optimizer\.name: unknown optimizer 'adamx'; known: adam, adamw, sgd \[unknown-optimizer\]$/m);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it.each(['train', 'eval', 'verify'])('has --help for %s', async (command) => {
    const { code, stdout } = await run([command, '--help'], workspace({}));
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Usage: kirchhoff ${command} \\[options\\]`));
  });

  it('needs a config unless resuming a run dir', async () => {
    const { code, stderr } = await run(['train', '--quiet'], workspace({}));
    expect(code).toBe(2);
    expect(stderr).toMatch(/\[usage\]/);
  });
});
