import type { Circuit } from '../circuit/circuit';
import { KclDynamics } from '../dynamics/kcl-dynamics';
import { Rng } from '../random/rng';
import { refuseAlgebraic } from './algebraic';
import { adjointCircuitRhs, deriveAdjointCircuit } from './adjoint-circuit';

export interface TopologyReport {
  /** Node count, capacitors and every group's edge list are those of the forward circuit. */
  readonly sameTopology: boolean;
  /** Every Δ-type branch became a plain conductance (gainDestination = −gainSource exactly). */
  readonly deltaBranchesAreConductances: boolean;
  /** max |adjoint RHS − (∂f/∂v)ᵀa| / max |(∂f/∂v)ᵀa| over the random states, Jacobian by finite differences. */
  readonly maxRelativeError: number;
  readonly states: number;
  /** 'full' Jacobian for small circuits, 'directional' (random probes ⟨Jᵀa, u⟩ = ⟨a, J·u⟩) for large ones. */
  readonly jacobian: 'full' | 'directional';
}

/**
 * Checks the same-topology theorem on a circuit: the adjoint circuit derived from the symbolic partials
 * has the forward circuit's nodes, capacitors and edges, and its right-hand side equals −Jᵀa's reversal
 * (Jᵀa) computed independently with a central-difference Jacobian of the forward right-hand side.
 */
export function verifyAdjointTopology(circuit: Circuit, options: { states?: number; batch?: number; seed?: number } = {}): TopologyReport {
  const B = options.batch ?? 2;
  const rng = new Rng(options.seed ?? 1);
  const states = options.states ?? 5;
  const dynamics = new KclDynamics(circuit, B);
  refuseAlgebraic(dynamics, 'the same-topology check');
  const n = dynamics.size;
  const full = n <= 400;
  const f = (y: Float64Array) => {
    const out = new Float64Array(n);
    dynamics.vf(0, y, out);
    return out;
  };
  let sameTopology = true;
  let deltaOk = true;
  let worst = 0;
  for (let s = 0; s < states; s++) {
    const y = Float64Array.from({ length: n }, () => rng.normal());
    const a = Float64Array.from({ length: n }, () => rng.normal());
    const adjoint = deriveAdjointCircuit(circuit, y, B);
    sameTopology &&=
      adjoint.numNodes === circuit.numNodes &&
      adjoint.capacitance.every((c, i) => c === circuit.capacitance[i]) &&
      adjoint.groups.length === circuit.groups.length &&
      adjoint.groups.every((g, i) => sameEdges(g.src, circuit.groups[i].src) && sameEdges(g.dst, circuit.groups[i].dst));
    adjoint.groups.forEach((g) => {
      if (g.kind === 'conductance') deltaOk &&= g.gainSource.every((x, i) => g.gainDestination[i] === -x);
    });
    const rhs = new Float64Array(n);
    adjointCircuitRhs(adjoint, a, rhs);
    const h = 1e-6;
    if (full) {
      const expected = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        const plus = y.slice();
        const minus = y.slice();
        plus[j] += h;
        minus[j] -= h;
        const fp = f(plus);
        const fm = f(minus);
        let dot = 0;
        for (let i = 0; i < n; i++) dot += a[i] * (fp[i] - fm[i]);
        expected[j] = dot / (2 * h); // (Jᵀa)_j = Σ_i a_i ∂f_i/∂y_j
      }
      const scale = Math.max(...expected.map(Math.abs), 1e-300);
      worst = Math.max(worst, Math.max(...expected.map((e, i) => Math.abs(e - rhs[i]))) / scale);
    } else {
      // Directional probes ⟨Jᵀa, u⟩ = ⟨a, J·u⟩. On circuits with many kinked branches a difference stencil
      // can straddle a kink; the differences at h and h/2 then disagree, and the probe is drawn again.
      const directional = (u: Float64Array, step: number) => {
        const fp = f(y.map((v, i) => v + step * u[i]));
        const fm = f(y.map((v, i) => v - step * u[i]));
        let dot = 0;
        for (let i = 0; i < n; i++) dot += (a[i] * (fp[i] - fm[i])) / (2 * step);
        return dot;
      };
      let clean = 0;
      for (let attempt = 0; attempt < 30 && clean < 3; attempt++) {
        const u = Float64Array.from({ length: n }, () => rng.normal());
        // A small step makes crossings rare; a scalar product of differences loses little to rounding.
        const expected = directional(u, 1e-8);
        if (Math.abs(expected - directional(u, 5e-9)) > 1e-6 * Math.abs(expected)) continue;
        clean++;
        let actual = 0;
        for (let i = 0; i < n; i++) actual += rhs[i] * u[i];
        worst = Math.max(worst, Math.abs(expected - actual) / Math.max(Math.abs(expected), 1e-300));
      }
      if (clean === 0) worst = Infinity; // no probe avoided the kinks: nothing was verified
    }
  }
  return { sameTopology, deltaBranchesAreConductances: deltaOk, maxRelativeError: worst, states, jacobian: full ? 'full' : 'directional' };
}

function sameEdges(a: Int32Array, b: Int32Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
