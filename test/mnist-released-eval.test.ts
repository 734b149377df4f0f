import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, type CliIo } from '@kirchhoff/cli';
import { describe, expect, it } from 'vitest';
import { fixturePath } from './support/fixtures';

/**
 * `kirchhoff eval` on the original's released MNIST weights (raw float32 files, one per slice) through the
 * original configuration, examples/mnist-kirchhoffnet.yaml. The full 10,000-image figure (99.42%) is
 * `pnpm bench mnist-eval` or this command without --limit; here a prefix of the real test set.
 */
const root = fileURLToPath(new URL('../', import.meta.url));
const CONFIG = 'examples/mnist-kirchhoffnet.yaml';
const weights = () => ['mnist_layer0_params_float32_2xE.bin', 'mnist_layer1_params_float32_2xE.bin'].map(fixturePath).join(',');
const topology = () => fixturePath('mnist_topology_src_des_int32_2xE.bin');

function memoryIo(): CliIo & { stdout(): string; stderr(): string } {
  let out = '';
  let err = '';
  return { cwd: root, out: (s: string) => void (out += s), err: (s: string) => void (err += s), stdout: () => out, stderr: () => err } as CliIo & {
    stdout(): string;
    stderr(): string;
  };
}

describe('kirchhoff eval with the released MNIST weights', () => {
  it('classifies the first real test images as the released checkpoint does (99.42% over all 10,000)', async () => {
    const io = memoryIo();
    const code = await runCli(['eval', CONFIG, '--weights', weights(), '--topology-file', topology(), '--limit', '40', '--batch-size', '20', '--json'], io);
    expect(code, io.stderr()).toBe(0);
    const report = JSON.parse(io.stdout());
    expect(report).toMatchObject({ split: 'test', samples: 40, batches: 2, solver: 'dopri5' });
    expect(report.accuracy).toBeGreaterThanOrEqual(39 / 40);
    expect(report.loss).toBeLessThan(0.1);
    expect(report.epoch).toBeUndefined();
  });

  it('names the file and what was expected when the weights do not fit', async () => {
    const wrongCount = memoryIo();
    expect(await runCli(['eval', CONFIG, '--weights', fixturePath('mnist_layer0_params_float32_2xE.bin'), '--limit', '1'], wrongCount)).not.toBe(0);
    expect(wrongCount.stderr()).toMatch(/the model has 2 slices: give one parameter file per slice, got 1 \[weights-count\]/);

    const short = join(mkdtempSync(join(tmpdir(), 'kh-weights-')), 'short.bin');
    writeFileSync(short, Buffer.alloc(12));
    const wrongSize = memoryIo();
    expect(await runCli(['eval', CONFIG, '--weights', `${short},${short}`, '--limit', '1'], wrongSize)).not.toBe(0);
    expect(wrongSize.stderr()).toMatch(/short\.bin: slice 0 needs 2 × 230068 \(shift-relu-1\) = 460136 float32-le values, the file holds 3 \[weights-size\]/);

    const wrongTopology = memoryIo();
    const layer = fixturePath('mnist_layer0_params_float32_2xE.bin');
    expect(await runCli(['eval', CONFIG, '--weights', weights(), '--topology-file', layer, '--limit', '1'], wrongTopology)).not.toBe(0);
    expect(wrongTopology.stderr()).toMatch(/mnist_layer0_params_float32_2xE\.bin: edge 0 of slice 0 is \d+→\d+ in the config's topology but -?\d+→-?\d+ in the file \[topology-mismatch\]/);

    const noWeights = memoryIo();
    expect(await runCli(['eval', CONFIG], noWeights)).not.toBe(0);
    expect(noWeights.stderr()).toMatch(/a training config holds no trained parameters: .* --weights/);
  });
});
