import type { OdeTerm } from './term';

/**
 * What is known about the zeros of ∂vf/∂y, so that a linear solver can skip them. The state splits
 * into a leading part of `size − quadrature` entries, node-major over `samples` samples, and a
 * trailing quadrature part.
 */
export interface JacobianStructure {
  /**
   * Independent samples in the leading part: ∂vf_i/∂y_j = 0 unless i ≡ j (mod samples), so the
   * Jacobian is one block per sample. 1 when nothing is known.
   */
  readonly samples: number;
  /**
   * Trailing entries that `vf` never reads, such as running integrals of parameter gradients: their
   * Jacobian columns are zero. 0 when there are none.
   */
  readonly quadrature: number;
}

/**
 * A term that also gives exact Jacobian–vector products, the capability implicit solvers need for
 * Newton's method. For circuits, `jvp` is generated from the symbolic ∂I/∂v of every branch law
 * (`KclDynamics.jvp`); it is never a finite difference.
 */
export interface JacobianTerm extends OdeTerm {
  /** Writes (∂vf/∂y)(t, y)·u into `out`. Must not modify `y` or `u`; `out` aliases neither. */
  jvp(t: number, y: Float64Array, u: Float64Array, out: Float64Array): void;
  /** Defaults: see `jacobianStructure`. */
  readonly jacobianStructure?: JacobianStructure;
}

export function hasJacobian(term: OdeTerm): term is JacobianTerm {
  return typeof (term as Partial<JacobianTerm>).jvp === 'function';
}

/**
 * The term's own structure, else: no quadrature, and independent samples when the term has
 * `withBatch` (which promises the same physics for any batch, one sample at a time — what
 * per-sample error control relies on too), otherwise one coupled block.
 */
export function jacobianStructure(term: OdeTerm): JacobianStructure {
  const declared = (term as Partial<JacobianTerm>).jacobianStructure;
  if (declared) return declared;
  return { samples: term.withBatch && term.batch > 1 ? term.batch : 1, quadrature: 0 };
}

/**
 * Gives `wrapper` (a term that forwards `vf` to `source`, counting or re-timing it) the source's
 * Jacobian capability, so that wrapping a term never hides its exact `jvp` from an implicit solver.
 */
export function withJacobianOf<T extends OdeTerm>(source: OdeTerm, wrapper: T): T {
  if (!hasJacobian(source)) return wrapper;
  const structure = jacobianStructure(source);
  return Object.assign(wrapper, {
    jacobianStructure: structure,
    jvp: (t: number, y: Float64Array, u: Float64Array, out: Float64Array) => source.jvp(t, y, u, out),
  });
}
