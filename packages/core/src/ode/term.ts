/**
 * The vector field a solver integrates: dy/dt = vf(t, y).
 *
 * State layout is row-major with the batch innermost: entry i belongs to row ⌊i / batch⌋ (a circuit node)
 * and sample i % batch. Solvers that only need a flat vector may ignore `batch`; error norms and
 * per-sample error control use it.
 */
export interface OdeTerm {
  /** Number of state entries (rows × batch). */
  readonly size: number;
  /** Batch size B. */
  readonly batch: number;
  /** Writes dy/dt at (t, y) into `out`. Must not modify `y`; `out` never aliases `y`. */
  vf(t: number, y: Float64Array, out: Float64Array): void;
  /**
   * The same physics for another batch size. Per-sample error control solves each sample with
   * `withBatch(1)`, so that a sample's result does not depend on which samples share its batch.
   */
  withBatch?(batch: number): OdeTerm;
  /** Human-readable name of a state entry for diagnostics, e.g. `node 5 (sample 2)`. */
  describeIndex?(index: number): string;
}

/** Names state entry `index` for error messages, using the term's own description when it has one. */
export function describeStateIndex(term: OdeTerm, index: number): string {
  if (term.describeIndex) return term.describeIndex(index);
  return `row ${Math.floor(index / term.batch)} (sample ${index % term.batch})`;
}
