import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KirchhoffError, train, type BatchTransform, type Rng } from '@kirchhoff/core';
import { twoMoonsTraining } from './support/two-moons-network';

const withoutSeconds = (metrics: string) =>
  metrics
    .trim()
    .split('\n')
    .map((line) => ({ ...JSON.parse(line), seconds: undefined }));

/**
 * A test augmentation: Gaussian jitter drawn from the trainer's stream. It draws an odd number of normals per
 * batch, so checkpoints fall while the PRNG holds a spare Box–Muller normal.
 */
const jitter = (sigma: number, calls: number[] = []): BatchTransform => ({
  apply(inputs: Float64Array, count: number, rng: Rng) {
    calls.push(count);
    for (let i = 0; i < count * 2; i++) inputs[i] += sigma * rng.normal();
    inputs[0] += sigma * rng.normal();
  },
});

/** The bytes of an array's own elements (parameters may be views into a larger shared memory). */
const bytesOf = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('trainer', () => {
  it('learns two moons', async () => {
    const summary = train(await twoMoonsTraining(mkdtempSync(join(tmpdir(), 'kh-train-'))));
    expect(summary.finalTestAccuracy).toBeGreaterThan(0.85);
    expect(summary.iterations).toBe(3 * 6);
  });

  it('reads the schedule at fractional epochs with lrPerIteration, every iteration (and once per epoch without)', async () => {
    const seen: [number, number, number, number][] = [];
    const options = await twoMoonsTraining(mkdtempSync(join(tmpdir(), 'kh-lr-')), {
      lrPerIteration: true,
      onProgress: (e) => seen.push([e.epoch, e.batch, e.batches, e.lr]),
    });
    train(options);
    expect(seen.length).toBe(18);
    for (const [epoch, batch, batches, lr] of seen) {
      // Cosine over tMax = 3 epochs from 0.02 to 1e-4 (the helper's schedule), at epoch + (batch − 1)/batches.
      const at = epoch + (batch - 1) / batches;
      expect(lr).toBeCloseTo(1e-4 + ((0.02 - 1e-4) * (1 + Math.cos((Math.PI * at) / 3))) / 2, 15);
    }
    const perEpoch: number[] = [];
    train(await twoMoonsTraining(mkdtempSync(join(tmpdir(), 'kh-lr-')), { onProgress: (e) => perEpoch.push(e.lr) }));
    expect(new Set(perEpoch).size).toBe(3);
  });

  it('resumes from a mid-epoch checkpoint to exactly the uninterrupted run', async () => {
    const straightDir = mkdtempSync(join(tmpdir(), 'kh-straight-'));
    const straight = await twoMoonsTraining(straightDir);
    train(straight);

    const dir = mkdtempSync(join(tmpdir(), 'kh-resumed-'));
    // Stop after 7 iterations (mid epoch 2); the last checkpoint was at iteration 4, so 3 are redone.
    const interrupted = train(await twoMoonsTraining(dir, { stopAfterIterations: 7 }));
    expect(interrupted.interrupted).toBe(true);
    const resumedOptions = await twoMoonsTraining(dir, { resume: true });
    train(resumedOptions);

    resumedOptions.network.params.forEach((p, i) => expect(bytesOf(p)).toEqual(bytesOf(straight.network.params[i])));
    expect(withoutSeconds(readFileSync(join(dir, 'metrics.jsonl'), 'utf8'))).toEqual(withoutSeconds(readFileSync(join(straightDir, 'metrics.jsonl'), 'utf8')));
  });

  it('augments every training mini-batch, never the data it was given nor the test set', async () => {
    const calls: number[] = [];
    const options = await twoMoonsTraining(mkdtempSync(join(tmpdir(), 'kh-augment-')), { epochs: 2, augment: jitter(0.3, calls) });
    const [trainBefore, testBefore] = [options.train.inputs.slice(), options.test.inputs.slice()];
    const augmented = train(options);
    // 192 samples in batches of 32: 6 calls of 32 rows per epoch; the evaluation after each epoch adds none.
    expect(calls).toEqual(new Array(12).fill(32));
    expect(options.train.inputs).toEqual(trainBefore);
    expect(options.test.inputs).toEqual(testBefore);
    const plain = await twoMoonsTraining(mkdtempSync(join(tmpdir(), 'kh-plain-')), { epochs: 2 });
    const unaugmented = train(plain);
    expect(augmented.finalTestAccuracy).toBeGreaterThan(0.7);
    expect(options.network.params[0]).not.toEqual(plain.network.params[0]);
    expect(unaugmented.iterations).toBe(augmented.iterations);
  });

  it('resumes an augmented run from a mid-epoch checkpoint to exactly the uninterrupted run', async () => {
    const straightDir = mkdtempSync(join(tmpdir(), 'kh-aug-straight-'));
    const straight = await twoMoonsTraining(straightDir, { augment: jitter(0.3) });
    train(straight);

    const dir = mkdtempSync(join(tmpdir(), 'kh-aug-resumed-'));
    // Stop after 7 iterations (mid epoch 2); the checkpoint at iteration 4 holds the stream after that batch's draws.
    expect(train(await twoMoonsTraining(dir, { stopAfterIterations: 7, augment: jitter(0.3) })).interrupted).toBe(true);
    const resumed = await twoMoonsTraining(dir, { resume: true, augment: jitter(0.3) });
    train(resumed);

    resumed.network.params.forEach((p, i) => expect(bytesOf(p)).toEqual(bytesOf(straight.network.params[i])));
    expect(withoutSeconds(readFileSync(join(dir, 'metrics.jsonl'), 'utf8'))).toEqual(withoutSeconds(readFileSync(join(straightDir, 'metrics.jsonl'), 'utf8')));
  });

  it('evaluates on the test set mid-epoch when asked, without changing the training', async () => {
    const plainDir = mkdtempSync(join(tmpdir(), 'kh-eval-plain-'));
    const plain = await twoMoonsTraining(plainDir);
    train(plain);
    const dir = mkdtempSync(join(tmpdir(), 'kh-eval-every-'));
    const options = await twoMoonsTraining(dir, { evaluate: { everyIterations: 4 } });
    train(options);
    const records = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const evaluations = records.filter((r) => r.type === 'eval');
    // 3 epochs of 6 iterations: iterations 4, 8, 12 and 16 fall inside an epoch (12 ends epoch 2, whose own test follows: skipped).
    expect(evaluations.map((r) => r.iteration)).toEqual([4, 8, 16]);
    for (const r of evaluations) {
      expect(r.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(r.testAccuracy).toBeLessThanOrEqual(1);
      expect(r.evalSeconds).toBeGreaterThanOrEqual(0);
    }
    expect(records.filter((r) => r.type === 'epoch')).toHaveLength(3);
    options.network.params.forEach((p, i) => expect(bytesOf(p)).toEqual(bytesOf(plain.network.params[i])));
  });

  it('rejects a truncated checkpoint, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-trunc-'));
    train(await twoMoonsTraining(dir, { stopAfterIterations: 5 }));
    const path = join(dir, 'checkpoint.json');
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.slice(0, Math.floor(text.length / 2)));
    const resume = await twoMoonsTraining(dir, { resume: true });
    let error: unknown;
    try {
      train(resume);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KirchhoffError);
    expect((error as KirchhoffError).code).toBe('invalid-checkpoint');
    expect((error as Error).message).toContain(path);
  });

  it('rolls back a step whose solve fails, keeps the last good parameters, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-rollback-'));
    const options = await twoMoonsTraining(dir, { epochs: 1 });
    // A step budget far too small for the forward solve: every iteration fails.
    const strangled = { ...options.forward, options: { ...options.forward.options, maxSteps: 1 } };
    const before = options.network.params.map((p) => p.slice());
    const messages: string[] = [];
    train({ ...options, forward: strangled, log: (m) => messages.push(m), test: { ...options.test, count: 0 } });
    options.network.params.forEach((p, i) => expect(Array.from(p)).toEqual(Array.from(before[i])));
    expect(messages.filter((m) => m.startsWith('rollback')).length).toBe(6);
    expect(messages[0]).toContain('max-steps-exceeded');
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === 'rollback').length).toBe(6);
  });
});
