import { registerBranches } from '@kirchhoff/branches';
import {
  ADJOINT_METHOD,
  AUGMENTATION,
  BRANCH_FAMILY,
  BRANCH_TYPE,
  BranchCatalog,
  createKirchhoffContainer,
  DATASET,
  DERIVATIVE_RULE,
  KirchhoffError,
  losses,
  lrSchedules,
  optimizers,
  Registry,
  registerAdjointMethods,
  registerTraining,
  resolveSolverConfig,
  simulateModel,
  SOLVER,
  STEP_CONTROLLER,
  TOPOLOGY,
  type AdjointMethod,
  type Augmentation,
  type DatasetPlugin,
  type Issue,
  type Loss,
  type LrSchedule,
  type OdeTerm,
  type Optimizer,
  type SimulationRequest,
  type SimulationResult,
  type Solver,
  type SolverConfig,
  type SolverSetup,
  type StepController,
  type TopologyGenerator,
} from '@kirchhoff/core';
import { registerDatasets } from '@kirchhoff/datasets';
import { registerSolvers } from '@kirchhoff/solvers';
import * as E from 'fp-ts/Either';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import type { PluginContents } from './plugins';

/**
 * The CLI's one contact with the container, the solvers package and the simulator, so that a change
 * in their APIs is mended here alone.
 */

/** A fresh container with the built-in branches and solvers plus every plugin's contributions. */
export function createContainer(plugins: readonly PluginContents[] = []): DependencyContainer {
  const container = createKirchhoffContainer();
  registerBranches(container);
  registerSolvers(container);
  // A module named twice (by --plugin and by the file) is imported once, so its values repeat: keep one.
  const unique = <T>(pick: (p: PluginContents) => readonly T[]) => [...new Set(plugins.flatMap(pick))];
  for (const type of unique((p) => p.branchTypes)) container.register(BRANCH_TYPE, { useValue: type });
  for (const family of unique((p) => p.families)) container.register(BRANCH_FAMILY, { useValue: family });
  for (const rule of unique((p) => p.functionRules)) container.register(DERIVATIVE_RULE, { useValue: rule });
  return container;
}

export function registered<T>(container: DependencyContainer, token: InjectionToken<T>): T[] {
  return container.isRegistered(token, true) ? container.resolveAll(token) : [];
}

/** Runs `build`, turning an expected KirchhoffError (such as two plugins claiming one id) into an issue. */
function attempt<T>(build: () => T): E.Either<Issue[], T> {
  try {
    return E.right(build());
  } catch (err) {
    if (err instanceof KirchhoffError) return E.left([{ code: err.code, message: err.message }]);
    throw err;
  }
}

export const branchCatalog = (container: DependencyContainer): E.Either<Issue[], BranchCatalog> => attempt(() => container.resolve(BranchCatalog));

export interface SolverRegistries {
  readonly solvers: Registry<Solver>;
  readonly controllers: Registry<StepController>;
}

export const solverRegistries = (container: DependencyContainer): E.Either<Issue[], SolverRegistries> =>
  attempt(() => ({
    solvers: new Registry('solver', registered(container, SOLVER)),
    controllers: new Registry('step controller', registered(container, STEP_CONTROLLER)),
  }));

/** Issues come back with `where` = `<where>.<field>`, the field's path in the file (`solver` by default). */
export function resolveSolver(config: SolverConfig, registries: SolverRegistries, where = 'solver'): E.Either<Issue[], SolverSetup> {
  return resolveSolverConfig(config, registries.solvers, registries.controllers, where);
}

/** `createContainer` plus what training needs: datasets, optimizers, schedules, losses, adjoint methods. */
export function createTrainingContainer(plugins: readonly PluginContents[] = []): DependencyContainer {
  const container = createContainer(plugins);
  registerDatasets(container);
  registerTraining(container);
  registerAdjointMethods(container);
  return container;
}

export interface TrainingRegistries extends SolverRegistries {
  readonly datasets: Registry<DatasetPlugin>;
  readonly augmentations: Registry<Augmentation>;
  readonly topologies: Registry<TopologyGenerator>;
  readonly adjointMethods: Registry<AdjointMethod>;
  readonly optimizers: Registry<Optimizer>;
  readonly schedules: Registry<LrSchedule>;
  readonly losses: Registry<Loss>;
}

export const trainingRegistries = (container: DependencyContainer): E.Either<Issue[], TrainingRegistries> =>
  E.chain((solverSide: SolverRegistries) =>
    attempt(() => ({
      ...solverSide,
      datasets: new Registry('dataset', registered(container, DATASET)),
      augmentations: new Registry('augmentation', registered(container, AUGMENTATION)),
      topologies: new Registry('topology', registered(container, TOPOLOGY)),
      adjointMethods: new Registry('adjoint method', registered(container, ADJOINT_METHOD)),
      // Core does not export the OPTIMIZER, LR_SCHEDULE and LOSS tokens, so what registerTraining put in
      // the container cannot be resolved from here; its own built-in lists are the same plugins.
      optimizers: new Registry('optimizer', optimizers),
      schedules: new Registry('learning-rate schedule', lrSchedules),
      losses: new Registry('loss', losses),
    })),
  )(solverRegistries(container));


export type { SimulationRequest, SimulationResult };

/** Runs the model; failures during the run (a step-size underflow, C = 0) throw KirchhoffError. */
export function simulate(request: SimulationRequest): SimulationResult {
  return simulateModel(request);
}
