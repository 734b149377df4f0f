import { optionValue, type OptionSchema, type SolverInitOptions } from '@kirchhoff/core';

/** Fixed-point iteration converges linearly, not quadratically: it gets this many times Newton's budget. */
export const FUNCTIONAL_ITERATION_FACTOR = 4;

/** Options every implicit solver takes (numbers only, like every solver option). */
export const implicitOptions: OptionSchema = {
  denseLimit: {
    description:
      'largest independent Jacobian block (nodes per sample) solved by dense LU; larger ones use GMRES with Jacobian–vector products. 0 forces GMRES, a huge value forces LU',
    type: 'integer',
    min: 0,
    default: 64,
  },
  newtonMaxIterations: {
    description: `Newton iterations per implicit stage before the step fails (fixed-point iteration, for terms without jvp, gets ${FUNCTIONAL_ITERATION_FACTOR}× as many)`,
    type: 'integer',
    min: 1,
    max: 50,
    default: 8,
  },
  newtonTolerance: {
    description: "Newton stops when its estimated error is below this fraction of the step controller's rtol/atol",
    type: 'number',
    min: 0,
    exclusiveMin: true,
    max: 1,
    default: 0.03,
  },
  krylovDimension: { description: 'GMRES restart length m (Krylov vectors kept)', type: 'integer', min: 1, max: 500, default: 30 },
  krylovTolerance: {
    description: 'GMRES stops at this residual relative to the Newton residual (an inexact Newton step)',
    type: 'number',
    min: 0,
    exclusiveMin: true,
    max: 0.5,
    default: 1e-4,
  },
};

/**
 * Tolerances the Newton iteration works to when the solver is stepped without a step controller
 * (fixed-grid studies, recomputed steps): tight enough that its error never shows in a convergence order.
 */
export const STANDALONE_TOLERANCE = 1e-10;

export interface ImplicitSettings {
  readonly denseLimit: number;
  readonly newtonMaxIterations: number;
  /** Newton's stopping weights: |δ_i| is compared with newtonRtol·|y_i| + newtonAtol. */
  readonly newtonRtol: number;
  readonly newtonAtol: number;
  readonly krylovDimension: number;
  readonly krylovTolerance: number;
}

export function implicitSettings(init: SolverInitOptions): ImplicitSettings {
  const value = (key: string) => optionValue(implicitOptions, init.options, key);
  const kappa = value('newtonTolerance');
  const rtol = init.tolerances?.rtol ?? STANDALONE_TOLERANCE;
  const atol = init.tolerances?.atol ?? STANDALONE_TOLERANCE;
  return {
    denseLimit: value('denseLimit'),
    newtonMaxIterations: value('newtonMaxIterations'),
    newtonRtol: kappa * rtol,
    newtonAtol: kappa * atol,
    krylovDimension: value('krylovDimension'),
    krylovTolerance: value('krylovTolerance'),
  };
}
