import { KirchhoffError } from '../errors';
import { refuseAlgebraic } from './algebraic';
import { segmentedRmsNorm } from '../ode/norm';
import { solve } from '../ode/solve';
import { forwardWithTape, type StepTape } from './step-tape';
import type { DenseOutput } from '../ode/solver';
import { jacobianStructure, withJacobianOf, type JacobianStructure, type JacobianTerm } from '../ode/jacobian';
import type { OdeTerm } from '../ode/term';
import type { AdjointMethod, SliceProblem } from './adjoint-method';
import { normSegmentsOf, type DifferentiableTerm } from './differentiable-term';
import { withNorm } from './setup-norm';

/**
 * The continuous adjoint on the stored forward trajectory. The forward pass keeps the state at the start
 * of every accepted step. Backward, each step is recomputed once from its checkpoint (the same solver
 * and step, so the same numbers as forward) and its dense output gives y(t) on that step, while
 *   da/dt = −(∂f/∂y)ᵀa,  dg/dt = −(∂f/∂θ)ᵀa
 * is integrated back over it. y is never integrated backward, so dissipative circuits, whose backward
 * state integration is unstable, get accurate gradients. Memory: one state per forward step.
 */
export const checkpointed: AdjointMethod = {
  name: 'checkpointed',
  meta: { description: 'continuous adjoint on the stored forward trajectory (stable for dissipative circuits)', continuous: true },

  forward(problem) {
    refuseAlgebraic(problem.term, 'the checkpointed adjoint');
    if (problem.forward.solver.meta.stepsInternally) {
      throw new KirchhoffError(
        'adjoint-needs-dense-output',
        `the checkpointed adjoint needs the forward solver's dense output; '${problem.forward.solver.name}' steps internally and has none (use backsolve, or another forward solver)`,
      );
    }
    return forwardWithTape(problem);
  },

  backward(problem, forward, aEnd) {
    const { term, t1, backward } = problem;
    const tape = forward.tape as StepTape;
    const n = term.size;
    const G = term.paramSizes.reduce((s, x) => s + x, 0);
    const adjointTerm = new TrajectoryAdjointTerm(term);
    const options = withNorm(backward.options, segmentedRmsNorm([...normSegmentsOf(term), G]));
    const z = new Float64Array(n + G);
    z.set(aEnd, 0);
    let z0: Float64Array = z;
    const stats = { nfe: 0, acceptedSteps: 0, rejectedSteps: 0 };
    const forwardSolver = problem.forward.solver;
    // The recomputed forward steps' evaluations count towards the backward pass's NFE; an implicit
    // forward solver needs the term's Jacobian for them too.
    const recompute: OdeTerm = withJacobianOf(term, {
      size: term.size,
      batch: term.batch,
      vf: (t: number, y: Float64Array, out: Float64Array) => {
        stats.nfe++;
        term.vf(t, y, out);
      },
    });
    for (let k = tape.states.length - 1; k >= 0; k--) {
      const start = tape.starts[k];
      const stepEnd = tape.ends[k];
      const end = k === tape.states.length - 1 ? t1 : stepEnd; // the last step runs past t1
      if (end === start) continue;
      // Recompute the forward step from its checkpoint for its dense output.
      const state = forwardSolver.init(recompute, start, tape.states[k], { options: problem.forward.options.solverOptions });
      const step = forwardSolver.step(recompute, start, stepEnd, tape.states[k], state);
      adjointTerm.use(step.dense!);
      const span = Math.abs(end - start);
      const controller = options.controller && {
        ...options.controller,
        // The forward pass accepted one step over this span, so one backward step is the natural first try.
        settings: { ...options.controller.settings, dt0: span },
      };
      const solution = solve(adjointTerm, backward.solver, { ...options, controller, t0: end, t1: start, y0: z0 });
      stats.nfe += solution.stats.nfe;
      stats.acceptedSteps += solution.stats.acceptedSteps;
      stats.rejectedSteps += solution.stats.rejectedSteps;
      z0 = solution.yFinal;
    }
    let offset = n;
    const grads = term.paramSizes.map((p) => {
      const block = z0.slice(offset, offset + p);
      offset += p;
      return block;
    });
    return { aStart: z0.slice(0, n), grads, stats };
  },
};

/**
 * The adjoint system on one recomputed forward step: y(t) comes from that step's dense output.
 * It is linear in a and never reads g, so its exact Jacobian–vector product is the field itself applied
 * to the direction: an implicit backward solver gets Newton's method at the cost of one `vjp` per product.
 */
class TrajectoryAdjointTerm implements JacobianTerm {
  readonly size: number;
  readonly batch = 1;
  /** −(∂f/∂y)ᵀ keeps the forward term's sample blocks; the parameter adjoints g are quadrature. */
  readonly jacobianStructure: JacobianStructure;
  private dense: DenseOutput | undefined;
  private readonly y: Float64Array;
  private readonly outA: Float64Array;
  private readonly grads: Float64Array[];

  constructor(private readonly term: DifferentiableTerm) {
    const G = term.paramSizes.reduce((s, x) => s + x, 0);
    this.size = term.size + G;
    this.jacobianStructure = { samples: jacobianStructure(term).samples, quadrature: G };
    this.y = new Float64Array(term.size);
    this.outA = new Float64Array(term.size);
    this.grads = term.paramSizes.map((p) => new Float64Array(p));
  }

  use(dense: DenseOutput): void {
    this.dense = dense;
  }

  vf(t: number, z: Float64Array, out: Float64Array): void {
    const n = this.term.size;
    this.dense!.evaluate(t, this.y);
    for (const g of this.grads) g.fill(0);
    this.term.vjp(t, this.y, z.subarray(0, n), this.outA, this.grads);
    for (let i = 0; i < n; i++) out[i] = -this.outA[i];
    let offset = n;
    for (const g of this.grads) {
      for (let i = 0; i < g.length; i++) out[offset + i] = -g[i];
      offset += g.length;
    }
  }

  jvp(t: number, _z: Float64Array, u: Float64Array, out: Float64Array): void {
    this.vf(t, u, out);
  }
}
