import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import type { CliIo } from '../src/io';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** An io that records what a command prints, with `cwd` as its working directory. */
export function memoryIo(cwd: string): CliIo & { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (t) => void out.push(t), err: (t) => void err.push(t), cwd, stdout: () => out.join(''), stderr: () => err.join('') };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kirchhoff-cli-'));
  dirs.push(dir);
  return dir;
}

/** Writes `files` (name → text or bytes) into a fresh folder and returns it. */
export function workspace(files: Readonly<Record<string, string | Uint8Array>>): string {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** Parses the CLI's CSV output into rows of numbers (time, sample, v1..vN). */
export function parseCsv(text: string): { header: string[]; rows: number[][] } {
  const [header, ...lines] = text.trim().split('\n');
  return { header: header.split(','), rows: lines.map((l) => l.split(',').map(Number)) };
}
