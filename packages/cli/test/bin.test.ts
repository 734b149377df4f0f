import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { parseCsv, workspace } from './helpers';

const BIN = fileURLToPath(new URL('../bin/kirchhoff.mjs', import.meta.url));

// The one subprocess test: the published bin starts through tsx from any working directory.
it('runs `kirchhoff simulate` as a process through bin/kirchhoff.mjs', async () => {
  const dir = workspace({
    'rc.json': JSON.stringify({ nodes: 1, duration: 1, branches: [{ type: 'conductance', edges: [[1, 0]], params: { g: 2 } }], input: [[1]] }),
  });
  const { stderr } = await promisify(execFile)(process.execPath, [BIN, 'simulate', 'rc.json', '--out', 'v.csv', '--rtol', '1e-9', '--atol', '1e-9'], { cwd: dir });
  expect(stderr).toMatch(/1 node, 1 sample, 1 slice over \[0, 1\]/);
  const [[t, sample, v]] = parseCsv(readFileSync(join(dir, 'v.csv'), 'utf8')).rows;
  expect([t, sample]).toEqual([1, 0]);
  expect(Math.abs(v - Math.exp(-2))).toBeLessThan(1e-7);
});
