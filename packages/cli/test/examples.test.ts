import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/program';
import { memoryIo } from './helpers';

/** Every example circuit the docs point to keeps simulating (commands in the README must keep working). */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const plugins: Record<string, string[]> = { 'plugin-circuit.yaml': ['--plugin', 'examples/plugin-example/src/index.ts'] };
const files = ['examples/default-simulation.yaml', ...readdirSync(`${root}/examples/circuits`).map((f) => `examples/circuits/${f}`)];

describe('example circuit files', () => {
  it.each(files)('%s simulates', async (file) => {
    const io = memoryIo(root);
    const code = await runCli(['simulate', file, ...(plugins[file.split('/').pop()!] ?? [])], io);
    expect(code, io.stderr()).toBe(0);
    expect(io.stdout()).toMatch(/^(time,sample,v1|\{)/);
  });
});
