import { all, create } from 'mathjs';
import type { Circuit } from '../circuit/circuit';
import { KclDynamics } from '../dynamics/kcl-dynamics';
import { KirchhoffError } from '../errors';
import { DenseLu } from '../linalg/dense-lu';

export interface NodeStability {
  readonly node: number;
  readonly sample: number;
  /** Self-conductance −∂F_n/∂v_n (S): the net small-signal conductance the node sees. Negative: unstable on its own. */
  readonly conductanceSum: number;
  /** Incident branches whose small-signal conductance at the operating point is negative (NDR). */
  readonly ndrBranches: number;
}

export interface StabilityReport {
  /**
   * Eigenvalues of ∂f/∂v per sample (circuits up to `eigenvalueLimit` nodes); stable iff every real part < 0.
   * With algebraic nodes (C = 0), those of the reduced Jacobian over the nodes with capacitance (below).
   */
  readonly eigenvalues?: { re: number; im: number }[][];
  readonly maxRealPart?: number;
  /** Nodes with a negative self-conductance, where an NDR branch can make the circuit oscillate or latch. */
  readonly flaggedNodes: NodeStability[];
  readonly stable: boolean;
}

/**
 * Small-signal stability at an operating point: the eigenvalues of the Jacobian of the KCL right-hand side
 * (exact, from the generated jvp kernels) for small circuits, and for every circuit the per-node
 * self-conductance, flagging nodes where negative differential resistance outweighs the rest, as the
 * NDR reference warns (kanalogue.md §8).
 *
 * Algebraic nodes (C = 0) follow the others instantly, v_a = g(v_d), so the small-signal dynamics are
 * those of the reduced system over the differential nodes, whose Jacobian is the Schur complement
 *   J_red = J_dd − J_da·J_aa⁻¹·J_ad
 * (dense, per sample). A singular J_aa (an algebraic node its branches do not determine at this point, where
 * the circuit is not of index 1) raises `singular-circuit`.
 */
export function stabilityAt(circuit: Circuit, voltages: Float64Array, batch = 1, eigenvalueLimit = 200): StabilityReport {
  const N = circuit.numNodes;
  const B = batch;
  const dynamics = new KclDynamics(circuit, B);
  const flagged: NodeStability[] = [];
  const ndrCount = new Int32Array(N * B);
  const vFull = new Float64Array((N + 1) * B);
  vFull.set(voltages, B);
  for (const g of circuit.groups) {
    const size = g.size * B;
    const currents = [new Float64Array(size)];
    const dV = [new Float64Array(size), new Float64Array(size)];
    const dTheta = g.type.paramNames.map(() => new Float64Array(size));
    g.type.law.kernels.partials(0, g.size, B, [g.src, g.dst], g.params, g.size, vFull, currents, dV, dTheta);
    for (let e = 0; e < g.size; e++) {
      for (let b = 0; b < B; b++) {
        // Conductance seen from the source: ∂I/∂vs; from the destination: −∂I/∂vd.
        if (dV[0][e * B + b] < 0 && g.src[e] > 0) ndrCount[(g.src[e] - 1) * B + b]++;
        if (-dV[1][e * B + b] < 0 && g.dst[e] > 0) ndrCount[(g.dst[e] - 1) * B + b]++;
      }
    }
  }
  const unit = new Float64Array(N * B);
  const column = new Float64Array(N * B);
  const jacobians = Array.from({ length: B }, () => Array.from({ length: N }, () => new Array<number>(N).fill(0)));
  for (let n = 0; n < N; n++) {
    unit.fill(0);
    for (let b = 0; b < B; b++) unit[n * B + b] = 1;
    dynamics.jvp(0, voltages, unit, column);
    for (let m = 0; m < N; m++) for (let b = 0; b < B; b++) jacobians[b][m][n] = column[m * B + b];
  }
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < B; b++) {
      const conductanceSum = -jacobians[b][n][n] * dynamics.currentScale[n];
      if (conductanceSum < 0) flagged.push({ node: n + 1, sample: b, conductanceSum, ndrBranches: ndrCount[n * B + b] });
    }
  }
  if (N > eigenvalueLimit) return { flaggedNodes: flagged, stable: flagged.length === 0 };
  const math = create(all);
  const algebraic = dynamics.algebraicNodes.map((n) => n - 1);
  const reduced = algebraic.length > 0 ? jacobians.map((jac, b) => schurComplement(jac, algebraic, b)) : jacobians;
  const eigenvalues = reduced.map((jac) =>
    jac.length === 0
      ? []
      : (math.eigs(jac).values as unknown as (number | { re: number; im: number })[]).map((x) => (typeof x === 'number' ? { re: x, im: 0 } : { re: x.re, im: x.im })),
  );
  const maxRealPart = Math.max(...eigenvalues.flat().map((x) => x.re));
  return { eigenvalues, maxRealPart, flaggedNodes: flagged, stable: maxRealPart < 0 };
}

/** J_dd − J_da·J_aa⁻¹·J_ad for one sample, `algebraic` the 0-based rows of the algebraic nodes. */
function schurComplement(jac: number[][], algebraic: number[], sample: number): number[][] {
  const isAlgebraic = new Set(algebraic);
  const differential = jac.map((_, i) => i).filter((i) => !isAlgebraic.has(i));
  const na = algebraic.length;
  const lu = new DenseLu(na);
  algebraic.forEach((i, r) => algebraic.forEach((j, c) => (lu.matrix[r * na + c] = jac[i][j])));
  const column = lu.factor();
  if (column >= 0) {
    throw new KirchhoffError(
      'singular-circuit',
      `node ${algebraic[column] + 1} (sample ${sample}) has no capacitance, and at this operating point its branches do not determine its voltage (∂I/∂v of the algebraic nodes is singular): the circuit is not of index 1 here`,
      { node: algebraic[column] + 1, sample },
    );
  }
  // X = J_aa⁻¹·J_ad, one column per differential node.
  const x = differential.map((j) => {
    const rhs = Float64Array.from(algebraic, (i) => jac[i][j]);
    lu.solve(rhs);
    return rhs;
  });
  return differential.map((i) =>
    differential.map((j, c) => jac[i][j] - algebraic.reduce((sum, a, r) => sum + jac[i][a] * x[c][r], 0)),
  );
}
