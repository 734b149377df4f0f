import type { InjectionToken } from 'tsyringe';
import type { BranchType } from './symbolic/branch-type';
import type { Solver } from './ode/solver';
import type { StepController } from './ode/controller';
import type { Augmentation, DatasetPlugin } from './dataset';

/** One token per plugin kind. Several registrations under one token form the plugin list. */
export const BRANCH_TYPE: InjectionToken<BranchType> = Symbol('kirchhoff.BranchType');
export const SOLVER: InjectionToken<Solver> = Symbol('kirchhoff.Solver');
export const STEP_CONTROLLER: InjectionToken<StepController> = Symbol('kirchhoff.StepController');
export const DATASET: InjectionToken<DatasetPlugin> = Symbol('kirchhoff.Dataset');
export const AUGMENTATION: InjectionToken<Augmentation> = Symbol('kirchhoff.Augmentation');
export const BRANCH_FAMILY: InjectionToken<import('./symbolic/branch-type').BranchFamily> = Symbol('kirchhoff.BranchFamily');
export const DERIVATIVE_RULE: InjectionToken<import('./symbolic/functions').FunctionRule> =
  Symbol('kirchhoff.DerivativeRule');
export const OPTIMIZER: InjectionToken<import('./train/optimizers/optimizer').Optimizer> = Symbol('kirchhoff.Optimizer');
export const LR_SCHEDULE: InjectionToken<import('./train/schedules/schedule').LrSchedule> = Symbol('kirchhoff.LrSchedule');
export const LOSS: InjectionToken<import('./train/losses/loss').Loss> = Symbol('kirchhoff.Loss');
export const TOPOLOGY: InjectionToken<import('./topology/topology').TopologyGenerator> = Symbol('kirchhoff.Topology');
export const ADJOINT_METHOD: InjectionToken<import('./adjoint/adjoint-method').AdjointMethod> = Symbol('kirchhoff.AdjointMethod');
