import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { denseamCommand, type ParityReport } from '../src/commands/denseam';
import { simulateCommand } from '../src/commands/simulate';
import type { CaseReport } from '../src/denseam/run';
import { CliError } from '../src/issues';
import { memoryIo, workspace } from './helpers';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

const codesOf = async (action: () => Promise<unknown>) => {
  const error = await action().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  return (error as CliError).issues.map((i) => i.code);
};

describe('kirchhoff denseam', () => {
  it('examples/denseam-xor.yaml: 4/4, energy never rising, settling ≈ 4.6 τ_v', async () => {
    const io = memoryIo(REPO);
    const [report] = (await denseamCommand('examples/denseam-xor.yaml', { json: true }, io)) as CaseReport[];
    expect(report.correct).toBe(4);
    expect(report.maxEnergyIncrease!).toBeLessThan(1e-12);
    expect(report.medianSettling).toBeCloseTo(4.6, 1);
    expect(JSON.parse(io.stdout()).task).toBe('xor');
  });

  it('bad task files: unknown keys, β ≤ 0, a clamped readout, weights that are not each other’s transpose', async () => {
    const dir = workspace({
      'typo.yaml': 'task: xor\nmodle: {}\n',
      'beta.yaml': 'task: xor\nmodel: { beta: 0 }\n',
      'readout.yaml': 'task: xor\nmodel: { readout: [0, 2] }\n',
      'asym.yaml': 'task: xor\nmodel:\n  weights: [[-1, -1, -1], [-1, 1, 1], [1, -1, 1], [1, 1, -1]]\n  weightsBack: [[-1, -1, 1, 1], [-1, 1, -1, 1], [-1, 1, 1, 1]]\n',
      'parity.yaml': 'task: parity\n',
    });
    const io = memoryIo(dir);
    expect(await codesOf(() => denseamCommand('typo.yaml', {}, io))).toEqual(['unknown-key']);
    expect(await codesOf(() => denseamCommand('beta.yaml', {}, io))).toEqual(['invalid-beta']);
    expect(await codesOf(() => denseamCommand('readout.yaml', {}, io))).toEqual(['clamped-readout']);
    expect(await codesOf(() => denseamCommand('asym.yaml', {}, io))).toEqual(['asymmetric-coupling']);
    expect(await codesOf(() => denseamCommand('parity.yaml', {}, io))).toEqual(['missing-field']);
  });
});

describe('kirchhoff denseam: parity', () => {
  it('trains, resumes from the checkpoint and runs the step-size check on the trained model', async () => {
    const dir = workspace({
      'p.yaml': `task: parity\ntraining: { epochs: 4, dt: 0.02, peakLr: 0.01, warmupEpochs: 1, clip: 1, weightDecay: 0, penaltyStart: 2, penaltyMax: 0.1, seed: 1, init: reference, evaluateEvery: 2 }\nrunDir: run\n`,
    });
    const io = memoryIo(dir);
    await denseamCommand('p.yaml', { epochs: 2 }, io);
    const report = (await denseamCommand('p.yaml', { json: true }, io)) as ParityReport;
    expect(io.stdout()).toMatch(/resumed from .*checkpoint\.json at epoch 2/);
    expect(report.epochs).toBe(4);
    expect(report.stepConvergence.map((s) => [s.dt, s.samples])).toEqual([
      [0.002, 52],
      [0.0002, 52],
    ]);
    // The reference scales leave an untrained model close to its fixed point by T: finer steps agree.
    for (const s of report.stepConvergence) {
      expect(s.agreeing).toBe(52);
      expect(s.maxLogitChange).toBeLessThan(1e-3);
    }
    expect(JSON.parse(readFileSync(join(dir, 'run', 'summary.json'), 'utf8')).epochs).toBe(4);
  });
});

describe('circuit files with couplings, clamped nodes and an energy', () => {
  it('examples/circuits/denseam-xor.yaml reaches y = ±1 and its energy never rises', async () => {
    const io = memoryIo(REPO);
    const report = await simulateCommand('examples/circuits/denseam-xor.yaml', { checkEnergy: 1e-12 }, io);
    const final = report.result.final;
    expect(Array.from({ length: 4 }, (_, b) => Math.sign(final[2 * 4 + b]))).toEqual([-1, 1, 1, -1]);
    expect(Math.max(...report.energy!.maxIncrease)).toBeLessThan(1e-12);
    report.energy!.final.forEach((e) => expect(e).toBeCloseTo(-1.5, 3));
    expect(io.stderr()).toMatch(/energy over 10000 steps/);
  });

  it('an energy that rises fails --check-energy; bad couplings are reported', async () => {
    const base = 'nodes: 2\nduration: 1\nbranches: [{ type: conductance, edges: [[1, 0], [2, 0]], params: { g: 1 } }]\ninput: [[1, 2]]\n';
    const dir = workspace({
      'rising.yaml': `${base}energy: -v1^2 - v2^2\n`,
      'couplings.yaml': `${base}couplings: [{ activation: softmax, beta: -1, source: [1, 3], target: [2], weights: [[1], [1]] }]\nclamped: [4]\n`,
    });
    const io = memoryIo(dir);
    expect(await codesOf(() => simulateCommand('rising.yaml', { checkEnergy: 0 }, io))).toEqual(['energy-increased']);
    expect((await codesOf(() => simulateCommand('couplings.yaml', {}, io))).sort()).toEqual(['invalid-beta', 'node-out-of-range', 'node-out-of-range']);
  });
});
