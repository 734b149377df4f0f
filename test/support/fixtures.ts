import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The reference fixtures live outside the repository, in ../shared/reference/fixtures relative to the
 * checkout (CI clones next to it). Missing fixtures are an error, never a skipped test.
 */
export const FIXTURE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/reference/fixtures');

export function fixturePath(name: string): string {
  const path = join(FIXTURE_DIR, name);
  if (!existsSync(path)) {
    throw new Error(
      `fixture ${name} not found at ${path}: clone the repository next to the shared/ folder (../shared/reference/fixtures)`,
    );
  }
  return path;
}

export function readFixtureJson<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as T;
}

function readBinary(name: string): Buffer {
  return readFileSync(fixturePath(name));
}

/** Raw little-endian int32 [2][E]: sources then destinations. */
export function readTopology(name: string): { src: Int32Array; dst: Int32Array } {
  const buf = readBinary(name);
  const all = new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const E = all.length / 2;
  return { src: all.slice(0, E), dst: all.slice(E) };
}

/** Raw little-endian float32 [P][E], widened to float64 (exactly). */
export function readParams(name: string): Float64Array {
  const buf = readBinary(name);
  return Float64Array.from(new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)));
}

export interface TinyCircuitFixture {
  topology_src_des: [number, number][];
  num_nonground_nodes: number;
  x0: number[][];
  devices: Record<
    string,
    {
      param_rows_by_edge: number[][];
      rhs_at_x0: number[][];
      t: number[];
      solution_at_t: number[][][];
      grad_param_adjoint: number[][];
      grad_x0_adjoint: number[][];
    }
  >;
}

export interface MnistLogitsFixture {
  labels: number[];
  inputs: number[][];
  'logits_official_settings_dopri5_tol1e-3': number[][];
  'logits_tol1e-6': number[][];
  num_edges_per_layer: number;
  max_node_index: number;
}

/** Batch-innermost layout from [sample][node] rows. */
export function toNodeMajor(rows: number[][], numNodes: number): Float64Array {
  const B = rows.length;
  const out = new Float64Array(numNodes * B);
  rows.forEach((row, b) => row.forEach((v, j) => (out[j * B + b] = v)));
  return out;
}
