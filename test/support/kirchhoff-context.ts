import { BranchCatalog, createKirchhoffContainer, Registry, resolveSolverConfig, SOLVER, STEP_CONTROLLER, type SolverConfig, type SolverSetup } from '@kirchhoff/core';
import { registerBranches } from '@kirchhoff/branches';
import { registerSolvers } from '@kirchhoff/solvers';
import * as E from 'fp-ts/Either';
import type { DependencyContainer } from 'tsyringe';

/** A container with every built-in plugin, as the CLI builds it. */
export function builtinContainer(): DependencyContainer {
  const container = createKirchhoffContainer();
  registerBranches(container);
  registerSolvers(container);
  return container;
}

export function catalogOf(container: DependencyContainer): BranchCatalog {
  return container.resolve(BranchCatalog);
}

export function setupOf(container: DependencyContainer, config: SolverConfig): SolverSetup {
  const result = resolveSolverConfig(
    config,
    new Registry('solver', container.resolveAll(SOLVER)),
    new Registry('step controller', container.resolveAll(STEP_CONTROLLER)),
  );
  if (E.isLeft(result)) throw new Error(result.left.map((i) => i.message).join('\n'));
  return result.right;
}

export function unwrap<T>(value: E.Either<readonly { message: string }[], T>): T {
  if (E.isLeft(value)) throw new Error(value.left.map((i) => i.message).join('\n'));
  return value.right;
}
