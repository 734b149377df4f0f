import { SOLVER, STEP_CONTROLLER, type Solver, type StepController } from '@kirchhoff/core';
import type { DependencyContainer } from 'tsyringe';
import { constant } from './controllers/constant';
import { pi } from './controllers/pi';
import { torchdiffeq } from './controllers/torchdiffeq';
import { backwardEuler } from './implicit/backward-euler';
import { bdf2 } from './implicit/bdf2';
import { trBdf2 } from './implicit/tr-bdf2';
import { trapezoidal } from './implicit/trapezoidal';
import { odex } from './odex/odex';
import { dopri5 } from './rk/dopri5';
import { euler } from './rk/euler';
import { rk4 } from './rk/rk4';
import { tsit5 } from './rk/tsit5';

/** Every built-in solver, sorted by id. */
export const solvers: readonly Solver[] = [
  backwardEuler as Solver,
  bdf2 as Solver,
  dopri5 as Solver,
  euler as Solver,
  odex as Solver,
  rk4 as Solver,
  trBdf2 as Solver,
  trapezoidal as Solver,
  tsit5 as Solver,
];

/** Every built-in step controller, sorted by id. */
export const stepControllers: readonly StepController[] = [constant, pi, torchdiffeq];

/** Registers the built-in solvers under SOLVER and the step controllers under STEP_CONTROLLER. */
export function registerSolvers(container: DependencyContainer): void {
  for (const solver of solvers) container.register(SOLVER, { useValue: solver });
  for (const controller of stepControllers) container.register(STEP_CONTROLLER, { useValue: controller });
}
