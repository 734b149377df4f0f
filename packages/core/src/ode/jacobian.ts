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
  /**
   * The diagonal of M in M·dy/dt = vf(t, y), one entry per state entry: 1 for a differential entry, 0 for
   * an algebraic one, whose row of `vf` is then a constraint 0 = vf_i(t, y) (for circuits: a node without
   * capacitance, where vf is the net current into it). Absent: M = I, an ODE. Only solvers that declare
   * `meta.algebraic` integrate such terms, as index-1 differential-algebraic systems; the pattern must be
   * the same in every sample, and quadrature entries are differential.
   */
  readonly mass?: Float64Array;
}

/**
 * The term's diagonal mass when it has algebraic entries (some mass 0), else undefined. Read from the
 * term's shape, so that a term declaring a mass without `jvp` is still recognised (and refused by whoever
 * cannot integrate it).
 */
export function massOf(term: OdeTerm): Float64Array | undefined {
  const mass = (term as Partial<JacobianTerm>).mass;
  return mass && mass.some((m) => m === 0) ? mass : undefined;
}

/** Indices of the algebraic entries (mass 0) of the state; empty for an ODE. */
export function algebraicEntries(term: OdeTerm): number[] {
  const mass = massOf(term);
  const entries: number[] = [];
  if (mass) mass.forEach((m, i) => m === 0 && entries.push(i));
  return entries;
}

/** What is wrong with a term's declared mass (length, values other than 0 and 1), or undefined. */
export function checkMass(term: OdeTerm): string | undefined {
  const mass = (term as Partial<JacobianTerm>).mass;
  if (mass === undefined) return undefined;
  if (mass.length !== term.size) return `mass has ${mass.length} entries, the term ${term.size}`;
  const bad = mass.findIndex((m) => m !== 0 && m !== 1);
  if (bad >= 0) return `mass entries are 1 (differential) or 0 (algebraic); entry ${bad} is ${mass[bad]}`;
  return undefined;
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
 * Jacobian capability and its mass, so that wrapping a term never hides its exact `jvp` from an implicit
 * solver, nor its algebraic entries from any solver.
 */
export function withJacobianOf<T extends OdeTerm>(source: OdeTerm, wrapper: T): T {
  const mass = (source as Partial<JacobianTerm>).mass;
  if (mass) Object.assign(wrapper, { mass });
  if (!hasJacobian(source)) return wrapper;
  const structure = jacobianStructure(source);
  return Object.assign(wrapper, {
    jacobianStructure: structure,
    jvp: (t: number, y: Float64Array, u: Float64Array, out: Float64Array) => source.jvp(t, y, u, out),
  });
}
