import type { Circuit } from '../circuit/circuit';
import { KclDynamics } from '../dynamics/kcl-dynamics';
import { KirchhoffError } from '../errors';
import { DenseLu } from '../linalg/dense-lu';

export interface OperatingPointOptions {
  /** Starting voltages, node-major with the batch innermost (default 0 V). */
  readonly initial?: Float64Array;
  readonly batch?: number;
  /** Converged when max |KCL residual| ≤ tolerance (A) and the last Newton update ≤ tolerance·(1 + |v|). */
  readonly tolerance?: number;
  readonly maxIterations?: number;
}

export interface OperatingPoint {
  readonly voltages: Float64Array;
  /** max |Σ branch currents| over nodes and samples at the solution (A). */
  readonly residual: number;
  readonly iterations: number;
  /** How it converged: plain Newton, or after a continuation when plain Newton failed. */
  readonly method: 'newton' | 'gmin-stepping' | 'source-stepping';
}

const GMIN_STEPS = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-12, 0];
const SOURCE_STEPS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/**
 * The DC operating point (SPICE's .op): capacitors open, so every node's branch currents balance,
 *   F(v) = S·I(v) = 0   (C·dv/dt = F; F is C times the ODE right-hand side). Nodes without capacitance
 * (algebraic) take part like any other: their rows of F are the same balance.
 * Damped Newton with the exact Jacobian ∂F/∂v (assembled from the generated jvp kernels, one column per
 * node for all samples at once; a dense LU per sample). If plain Newton fails:
 * - gmin stepping: a conductance g from every node to ground, F − g·v, solved for g = 1e-2 … 1e-12, 0,
 *   each from the previous solution (the conductances make the Jacobian diagonally dominant);
 * - source stepping, generalised: the Newton homotopy F(v) − (1 − λ)·F(v₀) for λ = 0.1 … 1, which ramps
 *   every constant injection from the value that v₀ balances to the real one (a circuit here has no
 *   independent sources to scale: its sources are constant terms inside branch laws).
 * A failure of all three raises `newton-failure` naming the node with the largest residual.
 */
export function operatingPoint(circuit: Circuit, options: OperatingPointOptions = {}): OperatingPoint {
  const B = options.batch ?? 1;
  const dynamics = new KclDynamics(circuit, B);
  const N = circuit.numNodes;
  const solver = new NewtonKcl(dynamics, circuit, B, options.tolerance ?? 1e-10, options.maxIterations ?? 60);
  const start = options.initial ? options.initial.slice() : new Float64Array(N * B);
  if (start.length !== N * B) throw new KirchhoffError('input-size', `initial voltages: ${start.length} values, expected ${N} nodes × ${B} samples`);

  const plain = solver.solve(start.slice(), 0, null);
  if (plain.converged) return { voltages: plain.v, residual: plain.residual, iterations: plain.iterations, method: 'newton' };

  let v: Float64Array = start.slice();
  let iterations = plain.iterations;
  let ok = true;
  for (const g of GMIN_STEPS) {
    const step = solver.solve(v, g, null);
    iterations += step.iterations;
    if (!step.converged) {
      ok = false;
      break;
    }
    v = step.v;
  }
  if (ok) return { voltages: v, residual: solver.residualOf(v, 0, null), iterations, method: 'gmin-stepping' };

  const offset = solver.kcl(start, 0);
  v = start.slice();
  for (const lambda of SOURCE_STEPS) {
    const shift = offset.map((x) => (1 - lambda) * x);
    const step = solver.solve(v, 0, shift);
    iterations += step.iterations;
    if (!step.converged) {
      const worst = solver.worstNode(step.v, 0, shift);
      throw new KirchhoffError(
        'newton-failure',
        `no DC operating point: Newton failed, and so did gmin and source stepping (at λ = ${lambda}); largest KCL residual ${worst.residual.toExponential(3)} A at node ${worst.node} (sample ${worst.sample})`,
        worst,
      );
    }
    v = step.v;
  }
  return { voltages: v, residual: solver.residualOf(v, 0, null), iterations, method: 'source-stepping' };
}

class NewtonKcl {
  private readonly N: number;
  private readonly lus: DenseLu[];
  private readonly unit: Float64Array;
  private readonly column: Float64Array;

  constructor(
    private readonly dynamics: KclDynamics,
    private readonly circuit: Circuit,
    private readonly B: number,
    private readonly tolerance: number,
    private readonly maxIterations: number,
  ) {
    this.N = circuit.numNodes;
    this.lus = Array.from({ length: B }, () => new DenseLu(this.N));
    this.unit = new Float64Array(this.N * B);
    this.column = new Float64Array(this.N * B);
  }

  /** F(v) = C·f(v), the net current into every node (f is that current already on a node without capacitance). */
  kcl(v: Float64Array, gmin: number): Float64Array {
    const f = new Float64Array(v.length);
    this.dynamics.vf(0, v, f);
    for (let n = 0; n < this.N; n++) {
      const c = this.dynamics.currentScale[n];
      for (let b = 0; b < this.B; b++) f[n * this.B + b] = f[n * this.B + b] * c - gmin * v[n * this.B + b];
    }
    return f;
  }

  residualOf(v: Float64Array, gmin: number, shift: Float64Array | null): number {
    return Math.max(...this.shifted(this.kcl(v, gmin), shift).map(Math.abs));
  }

  worstNode(v: Float64Array, gmin: number, shift: Float64Array | null): { node: number; sample: number; residual: number } {
    const r = this.shifted(this.kcl(v, gmin), shift);
    let worst = 0;
    r.forEach((x, i) => {
      if (!(Math.abs(x) <= Math.abs(r[worst]))) worst = i;
    });
    return { node: Math.floor(worst / this.B) + 1, sample: worst % this.B, residual: Math.abs(r[worst]) };
  }

  private shifted(f: Float64Array, shift: Float64Array | null): Float64Array {
    if (shift) for (let i = 0; i < f.length; i++) f[i] -= shift[i];
    return f;
  }

  /** ∂F/∂v into one dense LU per sample, column n from one jvp with u = e_n in every sample. */
  private assemble(v: Float64Array, gmin: number): number {
    const { N, B } = this;
    for (let n = 0; n < N; n++) {
      this.unit.fill(0);
      for (let b = 0; b < B; b++) this.unit[n * B + b] = 1;
      this.dynamics.jvp(0, v, this.unit, this.column);
      for (let m = 0; m < N; m++) {
        const c = this.dynamics.currentScale[m];
        for (let b = 0; b < B; b++) this.lus[b].matrix[m * N + n] = this.column[m * B + b] * c - (m === n ? gmin : 0);
      }
    }
    for (let b = 0; b < B; b++) {
      const singular = this.lus[b].factor();
      if (singular >= 0) return singular;
    }
    return -1;
  }

  solve(v: Float64Array, gmin: number, shift: Float64Array | null): { v: Float64Array; converged: boolean; iterations: number; residual: number } {
    const { N, B } = this;
    let F = this.shifted(this.kcl(v, gmin), shift);
    let norm = Math.max(...F.map(Math.abs));
    const rhs = new Float64Array(N);
    const delta = new Float64Array(N * B);
    for (let iteration = 1; iteration <= this.maxIterations; iteration++) {
      if (!Number.isFinite(norm)) return { v, converged: false, iterations: iteration, residual: norm };
      if (this.assemble(v, gmin) >= 0) return { v, converged: false, iterations: iteration, residual: norm };
      for (let b = 0; b < B; b++) {
        for (let n = 0; n < N; n++) rhs[n] = -F[n * B + b];
        this.lus[b].solve(rhs);
        for (let n = 0; n < N; n++) delta[n * B + b] = rhs[n];
      }
      // Damping: halve the update until the residual does not grow (at most 12 halvings).
      let scale = 1;
      let candidate = v;
      let candidateF = F;
      let candidateNorm = Infinity;
      for (let halving = 0; halving < 12; halving++, scale /= 2) {
        candidate = v.map((x, i) => x + scale * delta[i]);
        candidateF = this.shifted(this.kcl(candidate, gmin), shift);
        candidateNorm = Math.max(...candidateF.map(Math.abs));
        if (candidateNorm <= norm || candidateNorm <= this.tolerance) break;
      }
      const stepSize = Math.max(...delta.map((d, i) => Math.abs(scale * d) / (1 + Math.abs(v[i]))));
      v = candidate;
      F = candidateF;
      norm = candidateNorm;
      if (norm <= this.tolerance && stepSize <= Math.max(this.tolerance, 1e-12) * 1e3) {
        return { v, converged: true, iterations: iteration, residual: norm };
      }
    }
    return { v, converged: false, iterations: this.maxIterations, residual: norm };
  }
}
