import { KirchhoffError } from '../errors';
import { refuseAlgebraic } from './algebraic';
import { forwardWithTape, type StepTape } from './step-tape';
import type { Solver } from '../ode/solver';
import type { AdjointMethod } from './adjoint-method';
import type { DifferentiableTerm } from './differentiable-term';

/**
 * A solver that can run one of its steps in reverse mode: given ∂L/∂out for out = the step's solution
 * at tOut ∈ (t0, t1] (y1 when tOut = t1, the dense output otherwise), it writes ∂L/∂y0 into `y0Bar`
 * and adds ∂L/∂θ into `grads`. Step sizes are treated as constants, as in any discrete adjoint.
 */
export interface ReversibleStepper {
  stepVjp(
    term: DifferentiableTerm,
    t0: number,
    t1: number,
    y0: Float64Array,
    tOut: number,
    outBar: Float64Array,
    y0Bar: Float64Array,
    grads: readonly Float64Array[],
  ): void;
}

export function isReversible(solver: Solver): solver is Solver & ReversibleStepper {
  return typeof (solver as Partial<ReversibleStepper>).stepVjp === 'function';
}

/**
 * Discrete adjoint: backpropagation through the forward solver's accepted steps (rejected attempts do
 * not affect the result). The gradient is exact for the discretised model, whatever the tolerance: what
 * finite differences of the loss give when the step sequence is held fixed.
 */
export const discrete: AdjointMethod = {
  name: 'discrete',
  meta: { description: "reverse mode through the solver's own steps (exact gradient of the discrete model)", continuous: false },

  forward(problem) {
    const { forward } = problem;
    refuseAlgebraic(problem.term, 'the discrete adjoint');
    if (!isReversible(forward.solver)) {
      throw new KirchhoffError(
        'solver-not-reversible',
        `the discrete adjoint needs a solver that can reverse its steps; '${forward.solver.name}' cannot (use an explicit Runge–Kutta solver, or a continuous adjoint)`,
      );
    }
    return forwardWithTape(problem);
  },

  backward(problem, forward, aEnd) {
    const { term, t1 } = problem;
    const solver = problem.forward.solver as Solver & ReversibleStepper;
    const tape = forward.tape as StepTape;
    const grads = term.paramSizes.map((p) => new Float64Array(p));
    let outBar = aEnd.slice();
    let y0Bar = new Float64Array(term.size);
    const counted = { nfe: 0 };
    const countingTerm: DifferentiableTerm = {
      size: term.size,
      batch: term.batch,
      paramSizes: term.paramSizes,
      vf: (t, y, out) => {
        counted.nfe++;
        term.vf(t, y, out);
      },
      vjp: (t, y, a, outA, g, f) => {
        counted.nfe++;
        term.vjp(t, y, a, outA, g, f);
      },
    };
    for (let k = tape.states.length - 1; k >= 0; k--) {
      const last = k === tape.states.length - 1;
      solver.stepVjp(countingTerm, tape.starts[k], tape.ends[k], tape.states[k], last ? t1 : tape.ends[k], outBar, y0Bar, grads);
      [outBar, y0Bar] = [y0Bar, outBar];
    }
    return { aStart: outBar, grads, stats: { nfe: counted.nfe, acceptedSteps: tape.states.length, rejectedSteps: 0 } };
  },
};
