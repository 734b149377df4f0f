import type * as E from 'fp-ts/Either';
import type { Issue } from '../../errors';
import type { Named } from '../../registry';
import type { TrainingOptionSchema } from './options';

export interface OptimizerMeta {
  readonly description: string;
  readonly options: TrainingOptionSchema;
  /**
   * Names of the per-entry buffers `state()` may carry (e.g. `expAvg`, `expAvgSq`). An instance holds
   * only those its options need: SGD without momentum has no `momentumBuffer`.
   */
  readonly buffers: readonly string[];
  /** Where the update equations come from. */
  readonly reference: string;
}

/**
 * An optimizer plugin (ESLint-rule style: a plain object). `create` checks the options, collecting every
 * problem, and allocates all state for parameter tensors of the given sizes (one per branch group's P×E
 * block), so that `step` never allocates.
 */
export interface Optimizer extends Named {
  readonly meta: OptimizerMeta;
  /** `where` prefixes each issue's location (default `options`). */
  create(
    options: Readonly<Record<string, unknown>> | undefined,
    paramSizes: readonly number[],
    where?: string,
  ): E.Either<Issue[], OptimizerInstance>;
}

/** One optimizer bound to one list of parameter tensors. */
export interface OptimizerInstance {
  /** The plugin's id; `load` refuses a state saved by another optimizer. */
  readonly optimizer: string;
  /** The `lr` option: the base learning rate an LR schedule scales. */
  readonly lr: number;
  readonly paramSizes: readonly number[];
  /** Updates taken so far (PyTorch's `state['step']`), which drives Adam's bias correction. */
  readonly steps: number;
  /**
   * Updates `params` in place from `grads` with learning rate `lr` (the schedule's value for this step).
   * Where `masks[i][j] === 0` the entry is frozen: no update, no decay, and its moments stay untouched.
   * A null or missing mask trains the whole tensor. `grads` are read, never written.
   */
  step(params: readonly Float64Array[], grads: readonly Float64Array[], lr: number, masks?: readonly (Uint8Array | null)[]): void;
  /** A JSON-safe snapshot: `load` of its `JSON.parse(JSON.stringify(...))` continues bit for bit. */
  state(): OptimizerState;
  /** Restores a snapshot; checks everything first and throws `invalid-optimizer-state` without changing anything. */
  load(state: OptimizerState): void;
}

/**
 * A Float64Array as JSON: its IEEE-754 bytes, little-endian, in base64. Unlike a JSON number list this
 * keeps −0, NaN payloads and infinities, so a restored buffer is bitwise identical.
 */
export interface EncodedFloat64Array {
  readonly dtype: 'float64-le';
  readonly length: number;
  readonly base64: string;
}

/** An optimizer's mutable state; its hyperparameters are not part of it (they come from the config). */
export interface OptimizerState {
  readonly optimizer: string;
  readonly version: 1;
  readonly steps: number;
  readonly paramSizes: readonly number[];
  /** Buffer name (from `meta.buffers`) → one encoded array per parameter tensor. */
  readonly buffers: Readonly<Record<string, readonly EncodedFloat64Array[]>>;
}
