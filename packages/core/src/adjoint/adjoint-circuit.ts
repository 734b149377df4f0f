import type { Circuit } from '../circuit/circuit';

/**
 * One adjoint branch group: the same edges as the forward group (the very same arrays), each branch
 * replaced by its linearisation at the forward state. For edge e and sample b (index e·B + b) it injects
 * gainSource·(u_d − u_s) into its source node and gainDestination·(u_d − u_s) into its destination,
 * where u = C⁻¹·a are the adjoint node voltages.
 * - `conductance` (Δ-type devices): gainDestination = −gainSource = −g′(Δ), a plain time-varying
 *   conductance g′ between the same two nodes.
 * - `controlled-pair` (devices of vs and vd separately): two voltage-controlled current sources with
 *   gains ∂I/∂vs and ∂I/∂vd, both controlled by u_d − u_s.
 */
export interface AdjointBranchGroup {
  readonly kind: 'conductance' | 'controlled-pair';
  readonly src: Int32Array;
  readonly dst: Int32Array;
  readonly gainSource: Float64Array;
  readonly gainDestination: Float64Array;
}

/**
 * The adjoint network of a circuit at one forward state (Director–Rohrer): same nodes, same capacitors,
 * same edges. In reversed time τ = T − t its node voltages u = C⁻¹a obey
 *   C·du/dτ = Σ adjoint branch injections,   i.e.   da/dτ = (∂f/∂v)ᵀ·a.
 */
export interface AdjointCircuit {
  readonly numNodes: number;
  readonly capacitance: Float64Array;
  readonly batch: number;
  readonly groups: readonly AdjointBranchGroup[];
}

/** Builds the adjoint circuit from the symbolic ∂I/∂vs, ∂I/∂vd kernels evaluated at state `y` (batch-innermost). */
export function deriveAdjointCircuit(circuit: Circuit, y: Float64Array, batch: number): AdjointCircuit {
  const B = batch;
  const vFull = new Float64Array((circuit.numNodes + 1) * B);
  vFull.set(y, B);
  const groups = circuit.groups.map((g): AdjointBranchGroup => {
    const size = g.size * B;
    const currents = [new Float64Array(size)];
    const dV = [new Float64Array(size), new Float64Array(size)];
    const dTheta = g.type.paramNames.map(() => new Float64Array(size));
    g.type.law.kernels.partials(0, g.size, B, [g.src, g.dst], g.params, g.size, vFull, currents, dV, dTheta);
    return {
      kind: g.type.definition.meta.kind === 'delta' ? 'conductance' : 'controlled-pair',
      src: g.src,
      dst: g.dst,
      gainSource: dV[0],
      gainDestination: dV[1],
    };
  });
  return { numNodes: circuit.numNodes, capacitance: circuit.capacitance, batch, groups };
}

/** da/dτ of the adjoint circuit for adjoint state a (batch-innermost, ground excluded). */
export function adjointCircuitRhs(adjoint: AdjointCircuit, a: Float64Array, out: Float64Array): void {
  const B = adjoint.batch;
  const u = new Float64Array((adjoint.numNodes + 1) * B);
  for (let n = 0; n < adjoint.numNodes; n++) {
    for (let b = 0; b < B; b++) u[(n + 1) * B + b] = a[n * B + b] / adjoint.capacitance[n];
  }
  const injected = new Float64Array(u.length);
  for (const g of adjoint.groups) {
    for (let e = 0; e < g.src.length; e++) {
      const s = g.src[e] * B;
      const d = g.dst[e] * B;
      for (let b = 0; b < B; b++) {
        const control = u[d + b] - u[s + b];
        injected[s + b] += g.gainSource[e * B + b] * control;
        injected[d + b] += g.gainDestination[e * B + b] * control;
      }
    }
  }
  // C·du/dτ = injected and a = C·u, so da/dτ = injected.
  out.set(injected.subarray(B));
}
