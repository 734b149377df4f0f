import { segmentedRmsNorm } from '../ode/norm';
import { refuseAlgebraic } from './algebraic';
import { solve } from '../ode/solve';
import type { OdeTerm } from '../ode/term';
import type { AdjointMethod, SliceProblem } from './adjoint-method';
import { normSegmentsOf, type DifferentiableTerm } from './differentiable-term';
import { withNorm } from './setup-norm';

/**
 * The continuous adjoint as the original code (torchdiffeq's odeint_adjoint) computes it: the augmented
 * state z = (y, a, g) is integrated from t1 back to t0 with
 *   dy/dt = f(y),  da/dt = −(∂f/∂y)ᵀa,  dg/dt = −(∂f/∂θ)ᵀa,
 * from y(t1) (the forward result), a(t1) = dL/dy(t1), g(t1) = 0, so g(t0) = ∫ aᵀ ∂f/∂θ dt = dL/dθ.
 * y is re-integrated, not stored: cheap in memory, but on dissipative circuits the backward
 * re-integration of y is unstable and drifts (use `checkpointed` there). The error norm is the maximum
 * of per-part RMS norms over (y, a, g), as torchdiffeq's default (y and a split further when the term
 * declares `normSegments`, as a tuple state does there).
 */
export const backsolve: AdjointMethod = {
  name: 'backsolve',
  meta: { description: 'continuous adjoint, state re-integrated backward (the original code)', continuous: true },

  forward(problem) {
    const { term, t0, t1, y0, forward } = problem;
    refuseAlgebraic(term, 'the backsolve adjoint');
    const solution = solve(term, forward.solver, { ...forward.options, t0, t1, y0 });
    return { yEnd: solution.yFinal, stats: solution.stats, tape: null };
  },

  backward(problem, forward, aEnd) {
    const { term, t0, t1, backward } = problem;
    const n = term.size;
    const G = term.paramSizes.reduce((s, x) => s + x, 0);
    const augmented = new AugmentedTerm(term);
    const z0 = new Float64Array(2 * n + G);
    z0.set(forward.yEnd, 0);
    z0.set(aEnd, n);
    const parts = normSegmentsOf(term);
    const options = withNorm(backward.options, segmentedRmsNorm([...parts, ...parts, G]));
    const solution = solve(augmented, backward.solver, { ...options, t0: t1, t1: t0, y0: z0 });
    const z = solution.yFinal;
    return { aStart: z.slice(n, 2 * n), grads: augmented.split(z.subarray(2 * n)), stats: solution.stats };
  },
};

class AugmentedTerm implements OdeTerm {
  readonly size: number;
  readonly batch = 1;
  private readonly negatedA: Float64Array;
  /** Per output buffer (the solver's few stage arrays), its parameter-gradient blocks as views. */
  private readonly gradViews = new WeakMap<Float64Array, Float64Array[]>();

  constructor(private readonly term: DifferentiableTerm) {
    const n = term.size;
    this.size = 2 * n + term.paramSizes.reduce((s, x) => s + x, 0);
    this.negatedA = new Float64Array(n);
  }

  /**
   * One VJP with −a writes da/dt = −(∂f/∂y)ᵀa and dg/dt = −(∂f/∂θ)ᵀa straight into `out` (negation is
   * exact, so this equals negating afterwards bit for bit), and f(y) from the same pass: the parameter
   * part, by far the largest, is cleared once and written once instead of also copied and negated.
   */
  vf(t: number, z: Float64Array, out: Float64Array): void {
    const n = this.term.size;
    const a = z.subarray(n, 2 * n);
    for (let i = 0; i < n; i++) this.negatedA[i] = -a[i];
    let grads = this.gradViews.get(out);
    if (!grads) {
      let offset = 2 * n;
      grads = this.term.paramSizes.map((p) => {
        const view = out.subarray(offset, offset + p);
        offset += p;
        return view;
      });
      this.gradViews.set(out, grads);
    }
    out.fill(0, 2 * n);
    this.term.vjp(t, z.subarray(0, n), this.negatedA, out.subarray(n, 2 * n), grads, out.subarray(0, n));
  }

  describeIndex(i: number): string {
    const n = this.term.size;
    if (i < n) return `state ${this.term.describeIndex?.(i) ?? i}`;
    if (i < 2 * n) return `adjoint of ${this.term.describeIndex?.(i - n) ?? i - n}`;
    return `parameter adjoint ${i - 2 * n}`;
  }

  split(flat: Float64Array): Float64Array[] {
    let offset = 0;
    return this.term.paramSizes.map((p) => {
      const block = flat.slice(offset, offset + p);
      offset += p;
      return block;
    });
  }
}
