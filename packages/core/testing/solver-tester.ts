import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors';
import type { StepController } from '../src/ode/controller';
import { solve } from '../src/ode/solve';
import type { Solver } from '../src/ode/solver';
import { createLinearRotationProblem, createLogisticProblem, type OdeProblem } from './ode-problems';
import {
  adaptiveControl,
  adaptiveError,
  denseEndMismatch,
  denseError,
  errorEstimate,
  fittedSlope,
  fixedGridError,
  type Direction,
} from './solver-measurements';

export interface SolverTesterOptions {
  /** Drives the adaptive checks of a solver that hands out error estimates (required for those). */
  readonly controller?: StepController;
}

const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const TOLERANCES = [1e-4, 1e-6, 1e-8];
const SINGLE_STEPS = [0.1, 0.05, 0.025, 0.0125];
const DIRECTIONS: readonly Direction[] = [1, -1];
const directionName = (d: Direction): string => (d === 1 ? 'forward' : 'reverse time');

/**
 * Grid sizes for the order fit: fine enough to be asymptotic, coarse enough that the finest global
 * error (about 1e-12 for 5th order on the suite's problems) stays well above round-off.
 */
function gridSizes(order: number): number[] {
  const first = order >= 5 ? 20 : order === 4 ? 10 : order === 3 ? 20 : 40;
  return [first, 2 * first, 4 * first, 8 * first];
}

/**
 * The conformance suite every solver plugin runs, in the manner of ESLint's RuleTester: one call
 * registers a vitest `describe` block of checks driven only by the solver's own `meta`, so that no
 * solver is special-cased by name. `describe` and `it` can be replaced to run under another harness.
 */
export class SolverTester {
  static describe: (name: string, body: () => void) => void = describe;
  static it: (name: string, body: () => void) => void = it;

  static run(name: string, solver: Solver, options: SolverTesterOptions = {}): void {
    const { meta } = solver;
    const stepwise = !meta.stepsInternally;
    const estimates = meta.adaptive && stepwise;
    if (estimates && !options.controller) {
      throw new Error(`SolverTester.run('${name}'): adaptive solver needs options.controller to drive it`);
    }
    const problems: readonly OdeProblem[] = [createLinearRotationProblem(), createLogisticProblem()];
    const slack = meta.tolerance.orderSlack;

    SolverTester.describe(name, () => {
      SolverTester.it('declares a well-formed plugin', () => expect(shapeProblems(name, solver)).toEqual([]));

      if (solver.selfCheck) {
        SolverTester.it('passes its structural self-check', () => expect(solver.selfCheck!()).toEqual([]));
      }

      if (stepwise) {
        for (const problem of problems) {
          for (const direction of DIRECTIONS) {
            SolverTester.it(`converges at order ${meta.order} on ${problem.name} (${directionName(direction)})`, () => {
              const sizes = gridSizes(meta.order);
              const errors = sizes.map((n) => fixedGridError(solver, problem, n, direction));
              const slope = fittedSlope(sizes.map((n) => 1 / n), errors);
              expect(Math.abs(slope - meta.order), `slope ${slope.toFixed(3)}, errors ${errors.join(', ')}`).toBeLessThanOrEqual(slack);
            });
            SolverTester.it(`dense output holds to order ${meta.denseOrder} mid-step on ${problem.name} (${directionName(direction)})`, () => {
              const errors = SINGLE_STEPS.map((h) => denseError(solver, problem, h, direction));
              const slope = fittedSlope(SINGLE_STEPS, errors);
              expect(slope, `slope ${slope.toFixed(3)}, errors ${errors.join(', ')}`).toBeGreaterThanOrEqual(meta.denseOrder! + 1 - slack);
              expect(denseEndMismatch(solver, problem, 0.1, direction)).toBeLessThan(1e-12);
            });
          }
        }
      }

      if (estimates) {
        SolverTester.it(`has a local error estimate of order ${meta.errorOrder}`, () => {
          for (const problem of problems) {
            for (const direction of DIRECTIONS) {
              const errors = SINGLE_STEPS.map((h) => errorEstimate(solver, problem, h, direction));
              const slope = fittedSlope(SINGLE_STEPS, errors);
              expect(Math.abs(slope - (meta.errorOrder! + 1)), `${problem.name}: slope ${slope.toFixed(3)}`).toBeLessThanOrEqual(slack);
            }
          }
        });
      }

      if (meta.adaptive) {
        for (const direction of DIRECTIONS) {
          SolverTester.it(`meets falling tolerances (${directionName(direction)})`, () => {
            for (const problem of problems) {
              const errors = TOLERANCES.map((tol) => adaptiveError(solver, options.controller, problem, tol, direction));
              errors.forEach((error, i) => {
                const bound = meta.tolerance.errorPerTolerance! * TOLERANCES[i];
                expect(error, `${problem.name} at tol ${TOLERANCES[i]}`).toBeLessThanOrEqual(bound);
                if (i > 0) expect(error, `${problem.name}: error must fall with the tolerance (${errors.join(', ')})`).toBeLessThan(errors[i - 1]);
              });
            }
          });
        }
      }

      SolverTester.it('leaves y0 untouched and reuses its buffers from step to step', () => {
        const problem = problems[0];
        const y0 = problem.y0.slice();
        const snapshot = Array.from(y0);
        const initOptions = {
          options: {},
          ...(meta.stepsInternally && { internalControl: { rtol: 1e-6, atol: 1e-6, maxSteps: 10_000 } }),
        };
        let state = solver.init(problem.term, problem.t0, y0, initOptions);
        const derivative = solver.initialDerivative?.(state);
        if (derivative) {
          const expected = new Float64Array(y0.length);
          solver.func(problem.term, problem.t0, y0, expected);
          expect(Array.from(derivative)).toEqual(Array.from(expected));
        }
        const outputs = new Set<Float64Array>();
        let y: Float64Array = y0;
        for (let i = 0; i < 6; i++) {
          const result = solver.step(problem.term, problem.t0 + 0.05 * i, problem.t0 + 0.05 * (i + 1), y, state);
          outputs.add(result.y1);
          y = result.y1;
          state = result.state;
        }
        expect(Array.from(y0)).toEqual(snapshot);
        expect(outputs.size, 'a step must not allocate a new output array').toBeLessThanOrEqual(2);
      });

      SolverTester.it('rejects unknown option keys', () => {
        const problem = problems[0];
        const control = meta.adaptive
          ? adaptiveControl(solver, options.controller, 1e-6)
          : options.controller
            ? { controller: { controller: options.controller, settings: { dt0: 0.1 } } }
            : {};
        let thrown: unknown;
        try {
          solve(problem.term, solver, { t0: problem.t0, t1: problem.t1, y0: problem.y0, solverOptions: { 'no-such-option': 1 }, ...control });
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(ValidationError);
        expect((thrown as ValidationError).issues.map((i) => i.code)).toContain('unknown-option');
      });
    });
  }
}

/** What is wrong with a solver's declaration, as readable lines (empty when well-formed). */
function shapeProblems(name: string, solver: Solver): string[] {
  const problems: string[] = [];
  const { meta } = solver;
  const positiveInteger = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (solver.name !== name) problems.push(`name '${solver.name}' differs from the tested name '${name}'`);
  if (!KEBAB_CASE.test(solver.name)) problems.push(`name '${solver.name}' is not kebab-case`);
  if (!meta.description?.trim()) problems.push('meta.description is empty');
  if (!positiveInteger(meta.order)) problems.push(`meta.order ${meta.order} is not a positive whole number`);
  if (!(meta.tolerance?.orderSlack > 0)) problems.push('meta.tolerance.orderSlack must be positive');
  if (meta.adaptive && !(meta.tolerance?.errorPerTolerance! > 0)) {
    problems.push('adaptive solvers declare meta.tolerance.errorPerTolerance');
  }
  if (meta.stepsInternally) {
    if (!meta.adaptive) problems.push('a solver that steps internally controls its error: meta.adaptive must be true');
    if (meta.defaultController !== undefined) problems.push('a solver that steps internally takes no controller');
  } else {
    if (!positiveInteger(meta.denseOrder)) problems.push('meta.denseOrder must be a positive whole number');
    if (!meta.defaultController) problems.push('meta.defaultController names the controller configs default to');
    // Embedded Runge–Kutta pairs estimate the error of their lower-order partner (errorOrder < order);
    // implicit methods estimate their own local error (errorOrder = order).
    if (meta.adaptive && !(positiveInteger(meta.errorOrder) && meta.errorOrder! <= meta.order)) {
      problems.push(`meta.errorOrder ${meta.errorOrder} must be a positive whole number no greater than the order`);
    }
  }
  for (const [key, spec] of Object.entries(meta.options ?? {})) {
    if (!spec.description?.trim()) problems.push(`option '${key}' has no description`);
    if (typeof spec.default !== 'number') problems.push(`option '${key}' has no numeric default`);
  }
  if (!meta.options) problems.push('meta.options is missing (use {} for none)');
  return problems;
}
