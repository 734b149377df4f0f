import type { DependencyContainer } from 'tsyringe';
import { LOSS, LR_SCHEDULE, OPTIMIZER } from '../tokens';
import { crossEntropy } from './losses/cross-entropy';
import type { Loss } from './losses/loss';
import { mse } from './losses/mse';
import { adam } from './optimizers/adam';
import { adamw } from './optimizers/adamw';
import type { Optimizer } from './optimizers/optimizer';
import { sgd } from './optimizers/sgd';
import { constantSchedule } from './schedules/constant';
import { cosineSchedule } from './schedules/cosine';
import type { LrSchedule } from './schedules/schedule';
import { stepSchedule } from './schedules/step';

/** Every built-in optimizer, sorted by id. */
export const optimizers: readonly Optimizer[] = [adam, adamw, sgd];

/** Every built-in learning-rate schedule, sorted by id. `withWarmup` variants are left to the caller. */
export const lrSchedules: readonly LrSchedule[] = [constantSchedule, cosineSchedule, stepSchedule];

/** Every built-in loss, sorted by id. */
export const losses: readonly Loss[] = [crossEntropy, mse];

/** Registers the built-in optimizers, LR schedules and losses under OPTIMIZER, LR_SCHEDULE and LOSS. */
export function registerTraining(container: DependencyContainer): void {
  for (const optimizer of optimizers) container.register(OPTIMIZER, { useValue: optimizer });
  for (const schedule of lrSchedules) container.register(LR_SCHEDULE, { useValue: schedule });
  for (const loss of losses) container.register(LOSS, { useValue: loss });
}
