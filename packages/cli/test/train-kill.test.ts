import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runCli } from '../src/program';
import { memoryIo, workspace } from './helpers';

const BIN = fileURLToPath(new URL('../bin/kirchhoff.mjs', import.meta.url));

// 32 iterations per epoch with a checkpoint every 2: a kill lands mid-epoch, after a checkpoint.
const CONFIG = `model: { nodes: 4, branch: shift-tanh-2, slices: 2, duration: 0.5, readout: [3, 4] }
data: { dataset: two-moons, train: 512, test: 128 }
optimizer: { name: adamw, lr: 0.05 }
schedule: { name: cosine, tMax: 3 }
training: { epochs: 3, batchSize: 16, seed: 7, checkpoint: { everyIterations: 2 } }
solver: { name: dopri5, rtol: 1.0e-3, atol: 1.0e-3 }
`;

const epochLines = (runDir: string) =>
  readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((m) => m.type === 'epoch')
    .map(({ seconds: _, ...rest }) => rest);

// The one subprocess test of training: a SIGKILL can land anywhere, even inside a checkpoint write.
it('resumes a run killed with SIGKILL mid-epoch exactly as if it had never stopped', async () => {
  const dir = workspace({ 'run.yaml': CONFIG });
  const killedDir = join(dir, 'killed');
  const child = spawn(process.execPath, [BIN, 'train', 'run.yaml', '--run-dir', 'killed', '--quiet'], { cwd: dir, stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_, signal) => done(signal)));
  await new Promise<void>((found, fail) => {
    const poll = setInterval(() => {
      if (existsSync(join(killedDir, 'checkpoint.json'))) {
        clearInterval(poll);
        child.kill('SIGKILL');
        found();
      } else if (child.exitCode !== null) {
        clearInterval(poll);
        fail(new Error('training ended before a checkpoint appeared'));
      }
    }, 2);
  });
  expect(await exited).toBe('SIGKILL');
  expect(existsSync(join(killedDir, 'summary.json'))).toBe(false);
  expect(epochLines(killedDir).length).toBeLessThan(3);

  // Resumed in-process: the kill is what needs a real process; the resume is the same code either way.
  const resumed = memoryIo(dir);
  expect(await runCli(['train', 'run.yaml', '--resume', '--run-dir', 'killed', '--progress', 'none'], resumed)).toBe(0);
  expect(resumed.stdout()).toMatch(/resumed from .*checkpoint\.json: epoch \d, batch \d+\/32, iteration [1-9]\d*/);
  expect(resumed.stdout()).toMatch(/^final test accuracy: .*, 3 epochs, /m);
  expect(await runCli(['train', 'run.yaml', '--run-dir', 'straight', '--quiet'], memoryIo(dir))).toBe(0);

  const straight = epochLines(join(dir, 'straight'));
  expect(straight.map((m) => m.epoch)).toEqual([1, 2, 3]);
  expect(epochLines(killedDir)).toEqual(straight);
});
