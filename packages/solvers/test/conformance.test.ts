import { Registry, SOLVER, STEP_CONTROLLER, createKirchhoffContainer, type Solver, type StepController } from '@kirchhoff/core';
import { SolverTester } from '@kirchhoff/core/testing';
import { describe, expect, it } from 'vitest';
import { registerSolvers } from '../src/index';

// Every registered solver runs the whole conformance suite, driven by its own default controller,
// in a container of its own (createKirchhoffContainer gives a child of the root).
const container = createKirchhoffContainer();
registerSolvers(container);
const solvers = new Registry<Solver>('solver', container.resolveAll(SOLVER));
const controllers = new Registry<StepController>('step controller', container.resolveAll(STEP_CONTROLLER));

describe('the solver registry', () => {
  it('holds the built-in solvers and controllers under unique ids', () => {
    expect(solvers.list().map((s) => s.name)).toEqual(['backward-euler', 'bdf2', 'dopri5', 'euler', 'odex', 'rk4', 'tr-bdf2', 'trapezoidal', 'tsit5']);
    expect(controllers.list().map((c) => c.name)).toEqual(['constant', 'pi', 'torchdiffeq']);
  });

  it("names only registered controllers as solvers' defaults", () => {
    for (const solver of solvers.list()) {
      if (solver.meta.defaultController) expect(controllers.has(solver.meta.defaultController)).toBe(true);
    }
  });
});

for (const solver of solvers.list()) {
  const defaultController = solver.meta.defaultController;
  SolverTester.run(solver.name, solver, defaultController ? { controller: controllers.byName(defaultController) } : {});
}
