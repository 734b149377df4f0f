import type * as E from 'fp-ts/Either';
import type * as TE from 'fp-ts/TaskEither';
import type { Issue } from './errors';
import type { Rng } from './random/rng';
import type { Named } from './registry';
import type { TrainingOptionSchema } from './train/optimizers/options';

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
  /**
   * The shape of one sample when it is more than a feature vector: `[height, width]` for grey images,
   * `[channels, height, width]` for colour ones, row-major, with product `inputDim`. Image augmentations need it.
   */
  readonly shape?: readonly number[];
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

/**
 * A random transform of training inputs (data augmentation), bound to one dataset's sample shape. The
 * trainer applies it to each training mini-batch, never to test data.
 */
export interface BatchTransform {
  /**
   * Transforms the first `count` samples of `inputs` (row-major, `count × inputDim`) in place, drawing
   * every random number from `rng` (the trainer's, so a resumed run continues the same stream). It
   * must not allocate per sample.
   */
  apply(inputs: Float64Array, count: number, rng: Rng): void;
}

export interface AugmentationMeta {
  readonly description: string;
  readonly options: TrainingOptionSchema;
  /** What it reproduces, e.g. torchvision's RandomRotation and RandomAffine. */
  readonly reference: string;
}

/** An augmentation plugin: `create` checks the options against the dataset's samples and binds them. */
export interface Augmentation extends Named {
  readonly meta: AugmentationMeta;
  /** `where` prefixes each issue's location (default `augment`); option issues are at `<where>.options.<key>`. */
  create(
    options: Readonly<Record<string, unknown>> | undefined,
    data: Pick<Dataset, 'inputDim' | 'shape'>,
    where?: string,
  ): E.Either<Issue[], BatchTransform>;
}
