// The training building blocks: optimizers, learning-rate schedules, losses, gradient clipping.
export { registerTraining, optimizers, lrSchedules, losses } from './register-training';

export type { EncodedFloat64Array, Optimizer, OptimizerInstance, OptimizerMeta, OptimizerState } from './optimizers/optimizer';
export {
  resolveOptions,
  type BooleanOptionSpec,
  type NumberOptionSpec,
  type OptionValues,
  type PairOptionSpec,
  type TrainingOptionSchema,
  type TrainingOptionSpec,
} from './optimizers/options';
export { adam } from './optimizers/adam';
export { adamw } from './optimizers/adamw';
export { sgd } from './optimizers/sgd';

export {
  defineLrSchedule,
  type LrFunction,
  type LrSchedule,
  type LrScheduleDefinition,
  type LrScheduleMeta,
} from './schedules/schedule';
export { constantSchedule } from './schedules/constant';
export { cosineSchedule } from './schedules/cosine';
export { stepSchedule } from './schedules/step';
export { withWarmup } from './schedules/warmup';

export { clipGradNorm, clipGradValue } from './clip';

export type { Loss, LossMeta } from './losses/loss';
export { crossEntropy } from './losses/cross-entropy';
export { mse } from './losses/mse';
export { accuracy } from './losses/accuracy';
