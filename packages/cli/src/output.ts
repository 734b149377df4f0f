import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SolverConfig, SolveStats } from '@kirchhoff/core';

/** The voltages at the save times, as the simulator returns them (node-major, batch innermost). */
export interface Trajectory {
  readonly numNodes: number;
  readonly batch: number;
  readonly times: readonly number[];
  readonly states: readonly Float64Array[];
}

/** Columns time, sample, v1..vN; one row per save time and sample. Numbers in shortest round-trip form. */
export function toCsv({ numNodes, batch, times, states }: Trajectory): string {
  const header = ['time', 'sample', ...Array.from({ length: numNodes }, (_, n) => `v${n + 1}`)].join(',');
  const rows = [header];
  times.forEach((t, k) => {
    for (let b = 0; b < batch; b++) {
      const row = [String(t), String(b)];
      for (let n = 0; n < numNodes; n++) row.push(String(states[k][n * batch + b]));
      rows.push(row.join(','));
    }
  });
  return `${rows.join('\n')}\n`;
}

export interface RunStats {
  readonly perSlice: readonly SolveStats[];
  readonly wallTimeMs: number;
}

export function totalStats(perSlice: readonly SolveStats[]): SolveStats {
  return perSlice.reduce(
    (sum, s) => ({ nfe: sum.nfe + s.nfe, acceptedSteps: sum.acceptedSteps + s.acceptedSteps, rejectedSteps: sum.rejectedSteps + s.rejectedSteps }),
    { nfe: 0, acceptedSteps: 0, rejectedSteps: 0 },
  );
}

/** `states[sample][time][node − 1]`, with the solver settings and statistics that produced them. */
export function toJson(trajectory: Trajectory, solver: SolverConfig, stats: RunStats): string {
  const { numNodes, batch, times, states } = trajectory;
  const perSample = Array.from({ length: batch }, (_, b) =>
    states.map((state) => Array.from({ length: numNodes }, (_, n) => state[n * batch + b])),
  );
  const document = {
    nodes: numNodes,
    batch,
    times,
    states: perSample,
    solver,
    stats: { ...totalStats(stats.perSlice), perSlice: stats.perSlice, wallTimeMs: stats.wallTimeMs },
  };
  // Indented for reading, but each innermost list of numbers on one line, or a state would take N lines.
  const text = JSON.stringify(document, null, 2).replace(/\[\s*(-?[\d.eE+-]+(?:,\s*-?[\d.eE+-]+)*)\s*\]/g, (_, items: string) => `[${items.split(/,\s*/).join(', ')}]`);
  return `${text}\n`;
}

/**
 * Writes a temporary file next to `path` and renames it over `path`, so a reader never sees a partial
 * file and a failed run never replaces an earlier good output.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, text, { flag: 'wx' });
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
}
