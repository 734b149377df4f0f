import type { OdeTerm } from '../ode/term';

/**
 * A vector field that can also give vector–Jacobian products, for the adjoint: with f(t, y; θ),
 * `vjp` writes outA = (∂f/∂y)ᵀ·a and adds (∂f/∂θ_g)ᵀ·a into grads[g] for every parameter block g
 * (summed over the batch, since parameters are shared by all samples). When `f` is given it also
 * writes f(t, y) from the same pass.
 */
export interface DifferentiableTerm extends OdeTerm {
  /** Lengths of the parameter blocks `vjp` accumulates into. */
  readonly paramSizes: readonly number[];
  /**
   * How the state splits into parts for error norms, as torchdiffeq's tuple states: lengths summing to
   * `size` (a CNF's (v, ℓ) is [N·B, B]). The adjoint methods judge each part of y and of a on its own
   * scale. Default: one part.
   */
  readonly normSegments?: readonly number[];
  vjp(
    t: number,
    y: Float64Array,
    a: Float64Array,
    outA: Float64Array,
    grads: readonly Float64Array[] | null,
    f?: Float64Array | null,
  ): void;
}

export function isDifferentiable(term: OdeTerm): term is DifferentiableTerm {
  return typeof (term as Partial<DifferentiableTerm>).vjp === 'function' && Array.isArray((term as Partial<DifferentiableTerm>).paramSizes);
}

/** The term's norm parts (`normSegments`), or the whole state as one part. */
export function normSegmentsOf(term: DifferentiableTerm): readonly number[] {
  return term.normSegments ?? [term.size];
}
