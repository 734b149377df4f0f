import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { KirchhoffError } from '../errors';
import type { RngState } from '../random/rng';
import type { EncodedFloat64Array, OptimizerState } from './optimizers/optimizer';
import { decodeInto, encodedArrayIssues, encodeFloat64Array } from './optimizers/state';

/**
 * Everything a resumed run needs to continue exactly where the saved one was: parameters, optimizer
 * state, the shuffling RNG, the position inside the epoch (with the epoch's permutation), the running
 * epoch totals, and how many bytes of the metrics log belong to the saved state.
 */
export interface TrainingCheckpoint {
  readonly format: 'kirchhoff-checkpoint';
  readonly version: 1;
  readonly epoch: number;
  /** Next mini-batch of `epoch` to run. */
  readonly batchIndex: number;
  readonly iteration: number;
  /** The epoch's sample order, or null at an epoch boundary (the next epoch draws a new one). */
  readonly permutation: number[] | null;
  readonly rng: RngState;
  readonly params: EncodedFloat64Array[];
  readonly optimizer: OptimizerState;
  readonly running: RunningTotals;
  readonly metricsBytes: number;
  /** Best test score so far: accuracy for classification, −loss otherwise. */
  readonly best: { readonly score: number; readonly epoch: number };
  readonly elapsedSeconds: number;
}

export interface RunningTotals {
  /** Successful updates this epoch (the denominator of the NFE averages). */
  updates: number;
  lossSum: number;
  correct: number;
  seen: number;
  nfeForward: number;
  nfeBackward: number;
  rollbacks: number;
}

export function encodeParams(params: readonly Float64Array[]): EncodedFloat64Array[] {
  return params.map(encodeFloat64Array);
}

/** Writes to a temporary file and renames it over the old one: a crash leaves the old or the new checkpoint, never half of one. */
export function writeCheckpointAtomically(path: string, checkpoint: TrainingCheckpoint): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, JSON.stringify(checkpoint));
  renameSync(temporary, path);
}

/** Reads and checks a checkpoint; anything truncated or malformed is an `invalid-checkpoint` error naming the file. */
export function readCheckpoint(path: string, paramSizes: readonly number[]): TrainingCheckpoint {
  if (!existsSync(path)) throw new KirchhoffError('missing-checkpoint', `${path}: no checkpoint to resume from`);
  let parsed: TrainingCheckpoint;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as TrainingCheckpoint;
  } catch (err) {
    throw new KirchhoffError('invalid-checkpoint', `${path}: not a complete checkpoint (${(err as Error).message}); it may have been truncated`);
  }
  const problems: string[] = [];
  if (parsed?.format !== 'kirchhoff-checkpoint' || parsed.version !== 1) problems.push('not a Kirchhoff checkpoint (format/version)');
  for (const key of ['epoch', 'batchIndex', 'iteration', 'metricsBytes'] as const) {
    if (!Number.isInteger(parsed?.[key]) || parsed[key] < 0) problems.push(`${key} must be a whole number ≥ 0`);
  }
  if (!Array.isArray(parsed?.params) || parsed.params.length !== paramSizes.length) {
    problems.push(`expected ${paramSizes.length} parameter tensors, found ${Array.isArray(parsed?.params) ? parsed.params.length : 'none'}`);
  } else {
    parsed.params.forEach((p, i) => problems.push(...encodedArrayIssues(p, paramSizes[i], `params[${i}]`).map((issue) => issue.message)));
  }
  if (!Array.isArray(parsed?.rng?.s) || parsed.rng.s.length !== 4) problems.push('rng state missing');
  if (problems.length) throw new KirchhoffError('invalid-checkpoint', `${path}: ${problems.join('; ')}`);
  return parsed;
}

export function restoreParams(checkpoint: TrainingCheckpoint, params: readonly Float64Array[]): void {
  checkpoint.params.forEach((encoded, i) => decodeInto(encoded, params[i]));
}

/** The best epoch's parameters alone (`best-params.json`), written atomically like a checkpoint. */
export function writeParamsAtomically(path: string, params: readonly Float64Array[]): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, JSON.stringify({ format: 'kirchhoff-params', version: 1, params: encodeParams(params) }));
  renameSync(temporary, path);
}

export function readParamsInto(path: string, params: readonly Float64Array[]): void {
  const saved = JSON.parse(readFileSync(path, 'utf8')) as { params: EncodedFloat64Array[] };
  if (!Array.isArray(saved.params) || saved.params.length !== params.length) {
    throw new KirchhoffError('invalid-checkpoint', `${path}: expected ${params.length} parameter tensors`);
  }
  saved.params.forEach((encoded, i) => decodeInto(encoded, params[i]));
}
