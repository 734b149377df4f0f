import type * as TE from 'fp-ts/TaskEither';
import type { Issue } from './errors';

/** A dataset as a plugin: a pure function of its options and seed (synthetic) or of files it reads (real). */
export interface DatasetMeta {
  readonly task: 'classification' | 'density' | 'regression';
  readonly inputDim: number;
  /** Classes (classification) or target width (regression). */
  readonly outputDim?: number;
  readonly description: string;
  /** Where the data or its generator comes from. */
  readonly source: string;
}

export interface Dataset {
  /** Row-major inputs, `count × inputDim`. */
  readonly inputs: Float64Array;
  /** Class indices (classification), or `count × outputDim` targets (regression); empty for density tasks. */
  readonly targets: Float64Array;
  readonly count: number;
  readonly inputDim: number;
}

export interface DatasetLoadOptions {
  readonly split: 'train' | 'test';
  /** Number of samples; synthetic sets default to their original size. */
  readonly n?: number;
  readonly seed: number;
  /** Dataset-specific options (noise level, …); unknown keys are rejected. */
  readonly options?: Readonly<Record<string, unknown>>;
}

export interface DatasetPlugin {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly meta: DatasetMeta;
  /** Option names with a one-line description each. */
  readonly options?: Readonly<Record<string, string>>;
  load(options: DatasetLoadOptions): TE.TaskEither<Issue[], Dataset>;
}
