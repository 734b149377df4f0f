import { KirchhoffError } from '../errors';
import { algebraicEntries } from '../ode/jacobian';
import { describeStateIndex, type OdeTerm } from '../ode/term';

/**
 * Gradients through algebraic (zero-capacitance) nodes are not supported: the adjoint of an index-1 DAE
 * is itself a DAE (a's algebraic part solves J_aaᵀ·a_a = −J_daᵀ·a_d at every instant, and dL/dy(t0) has
 * no component along the algebraic entries), which none of the methods integrates. Refusing is better
 * than the silently wrong gradient the ODE formulas would give.
 */
export function refuseAlgebraic(term: OdeTerm, what: string): void {
  const entries = algebraicEntries(term);
  if (entries.length === 0) return;
  throw new KirchhoffError(
    'algebraic-node',
    `${what} does not support algebraic (zero-capacitance) nodes, and ${describeStateIndex(term, entries[0]).replace(/ \(sample 0\)$/, '')} has no capacitance: ` +
      'gradients of a differential-algebraic circuit are not implemented; give every node a capacitance (a small one keeps the behaviour)',
    { index: entries[0] },
  );
}
