import { createDenseAm, Registry, resolveSolverConfig, type DenseAmModel, type DenseAmSpec, type Solver, type SolverConfig, type StepController } from '@kirchhoff/core';
import { solvers, stepControllers } from '@kirchhoff/solvers';
import * as E from 'fp-ts/Either';

const solverRegistry = new Registry<Solver>('solver', solvers);
const controllerRegistry = new Registry<StepController>('step controller', stepControllers);

/** A solver setup from a config block, as `kirchhoff` resolves it. */
export function setupOf(config: SolverConfig) {
  const setup = resolveSolverConfig(config, solverRegistry, controllerRegistry);
  if (E.isLeft(setup)) throw new Error(JSON.stringify(setup.left));
  return setup.right;
}

export function modelOf(spec: DenseAmSpec): DenseAmModel {
  const model = createDenseAm(spec);
  if (E.isLeft(model)) throw new Error(JSON.stringify(model.left));
  return model.right;
}
