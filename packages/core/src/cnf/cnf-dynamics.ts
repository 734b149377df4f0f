import { KirchhoffError } from '../errors';
import type { Circuit } from '../circuit/circuit';
import type { DifferentiableTerm } from '../adjoint/differentiable-term';
import type { JacobianStructure, JacobianTerm } from '../ode/jacobian';
import type { TraceKernels } from '../symbolic/trace-kernels';

/**
 * A circuit as a continuous normalising flow: the state is (v, ℓ) with
 *   C·dv/dt = S·I(v; θ)   (KCL, as `KclDynamics`),   dℓ/dt = −tr(∂f/∂v),
 * so that log q(v(t1)) = log q(v(t0)) + ℓ(t1) − ℓ(t0). The trace is closed-form, from the symbolic
 * partials: tr = Σ_e [1(d_e ≠ 0)·∂I_e/∂v_d / C_d − 1(s_e ≠ 0)·∂I_e/∂v_s / C_s] per sample, one fused pass
 * with the currents (no per-dimension differentiation).
 *
 * Layout: ℓ is one more row after the N node rows, batch innermost like the rest: entry (n−1)·B + b holds
 * node n of sample b, entry N·B + b holds ℓ of sample b. `size` = (N + 1)·B.
 *
 * For the adjoint (`vjp`) the augmented field's transpose Jacobian needs ∂tr/∂v and ∂tr/∂θ: second
 * derivatives of every branch law, generated symbolically (`CompiledLaw.traceKernels`). With a = (a_v, a_ℓ):
 *   outA_v = (∂f/∂v)ᵀ·a_v − Σ_b a_ℓ[b]·∂tr_b/∂v,   outA_ℓ = 0 (nothing reads ℓ),
 *   grad θ += (∂f/∂θ)ᵀ·a_v − Σ_b a_ℓ[b]·∂tr_b/∂θ.
 * `jvp` gives the exact Jacobian for implicit solvers; ℓ is a quadrature row ([[A, 0], [G, 0]]).
 */
export class CnfDynamics implements DifferentiableTerm, JacobianTerm {
  readonly size: number;
  readonly paramSizes: readonly number[];
  /** The tuple (v, ℓ), each part judged on its own scale by error norms (torchdiffeq's tuple norm). */
  readonly normSegments: readonly number[];
  readonly jacobianStructure: JacobianStructure;
  /** Number of non-ground nodes N; ℓ is row N of the state. */
  readonly numNodes: number;
  private readonly invC: Float64Array;
  /** 1/C per node of the padded state, 0 for ground. */
  private readonly nodeWeight: Float64Array;
  private readonly kernels: TraceKernels[];
  private readonly conns: Int32Array[][];
  private readonly vFull: Float64Array;
  private readonly uFull: Float64Array;
  private readonly outFull: Float64Array;
  private readonly fFull: Float64Array;
  private readonly trace: Float64Array;
  private readonly coef: Float64Array;
  private readonly gradScratch: Float64Array[];
  /** Right-hand-side evaluations so far (each batched evaluation counts once). */
  evaluations = 0;

  constructor(
    readonly circuit: Circuit,
    readonly batch: number,
  ) {
    if (!Number.isInteger(batch) || batch < 1) throw new KirchhoffError('invalid-batch', `batch size must be a positive whole number, got ${batch}`);
    const N = circuit.numNodes;
    circuit.capacitance.forEach((c, i) => {
      if (!(c > 0)) {
        throw new KirchhoffError('algebraic-node', `node ${i + 1} has capacitance ${c}: a CNF needs C > 0 on every node`, { node: i + 1 });
      }
    });
    this.numNodes = N;
    this.size = (N + 1) * batch;
    this.normSegments = [N * batch, batch];
    this.jacobianStructure = { samples: batch, quadrature: batch };
    this.invC = circuit.capacitance.map((c) => 1 / c);
    this.nodeWeight = new Float64Array(N + 1);
    this.nodeWeight.set(this.invC, 1);
    this.kernels = circuit.groups.map((g) => g.type.law.traceKernels());
    this.conns = circuit.groups.map((g) => [g.src, g.dst]);
    this.paramSizes = circuit.groups.map((g) => g.params.length);
    const full = (N + 1) * batch;
    this.vFull = new Float64Array(full);
    this.uFull = new Float64Array(full);
    this.outFull = new Float64Array(full);
    this.fFull = new Float64Array(full);
    this.trace = new Float64Array(batch);
    this.coef = new Float64Array(batch);
    this.gradScratch = circuit.groups.map((g) => new Float64Array(g.params.length));
  }

  withBatch(batch: number): CnfDynamics {
    return new CnfDynamics(this.circuit, batch);
  }

  describeIndex(index: number): string {
    const row = Math.floor(index / this.batch);
    const sample = index % this.batch;
    return row < this.numNodes ? `node ${row + 1} (sample ${sample})` : `log-density change ℓ (sample ${sample})`;
  }

  vf(_t: number, y: Float64Array, out: Float64Array): void {
    this.evaluations++;
    this.load(y);
    this.outFull.fill(0);
    this.trace.fill(0);
    this.circuit.groups.forEach((g, i) => {
      this.kernels[i].rhs(0, g.size, this.batch, this.conns[i], g.params, g.size, this.nodeWeight, this.vFull, this.trace, this.outFull);
    });
    this.store(this.outFull, this.trace, out);
  }

  /**
   * tr(∂f/∂v) of every sample at the node voltages `v` (N·B entries, or the whole (v, ℓ) state: ℓ is
   * ignored), written into `out` (B entries).
   */
  traceAt(v: Float64Array, out: Float64Array): void {
    this.load(v);
    out.fill(0);
    this.circuit.groups.forEach((g, i) => {
      this.kernels[i].rhs(0, g.size, this.batch, this.conns[i], g.params, g.size, this.nodeWeight, this.vFull, out, null);
    });
  }

  /** out = (∂F/∂y)·u for the augmented field F = (f, −tr): the v rows and the ℓ row (ℓ's column is zero). */
  jvp(_t: number, y: Float64Array, u: Float64Array, out: Float64Array): void {
    const B = this.batch;
    const NB = this.numNodes * B;
    this.load(y);
    this.uFull.set(u.subarray(0, NB), B);
    this.outFull.fill(0);
    this.trace.fill(0);
    this.circuit.groups.forEach((g, i) => {
      this.kernels[i].jvp(0, g.size, B, this.conns[i], g.params, g.size, this.nodeWeight, this.vFull, this.uFull, this.outFull, this.trace);
    });
    this.store(this.outFull, this.trace, out);
  }

  /**
   * outA = (∂F/∂y)ᵀ·a and grads[g] += (∂F/∂θ_g)ᵀ·a summed over the batch, for F = (f, −tr); if `f` is given,
   * also F(y) from the same pass.
   */
  vjp(_t: number, y: Float64Array, a: Float64Array, outA: Float64Array, grads: readonly Float64Array[] | null, f: Float64Array | null = null): void {
    const B = this.batch;
    const N = this.numNodes;
    const NB = N * B;
    this.load(y);
    for (let n = 0; n < N; n++) {
      const s = this.invC[n];
      for (let b = 0, i = n * B; b < B; b++, i++) this.uFull[B + i] = a[i] * s;
    }
    // F_ℓ = −tr, so the trace's coefficient in aᵀF is −a_ℓ.
    for (let b = 0; b < B; b++) this.coef[b] = -a[NB + b];
    this.outFull.fill(0);
    if (f) {
      this.fFull.fill(0);
      this.trace.fill(0);
    }
    this.circuit.groups.forEach((g, i) => {
      const grad = grads ? grads[i] : this.gradScratch[i];
      this.kernels[i].vjp(
        0, g.size, B, this.conns[i], g.params, g.size, this.nodeWeight, this.vFull, this.uFull, this.coef,
        this.outFull, grad, f ? this.fFull : null, f ? this.trace : null,
      );
    });
    outA.set(this.outFull.subarray(B, B + NB));
    outA.fill(0, NB, NB + B);
    if (f) this.store(this.fFull, this.trace, f);
  }

  /** Copies the node voltages of `y` into the padded buffer (row 0 stays ground). */
  private load(y: Float64Array): void {
    const B = this.batch;
    this.vFull.set(y.subarray(0, this.numNodes * B), B);
  }

  /** out = (C⁻¹·full without the ground row, −trace). */
  private store(full: Float64Array, trace: Float64Array, out: Float64Array): void {
    const B = this.batch;
    const N = this.numNodes;
    for (let n = 0; n < N; n++) {
      const s = this.invC[n];
      for (let b = 0, i = n * B; b < B; b++, i++) out[i] = full[B + i] * s;
    }
    const NB = N * B;
    for (let b = 0; b < B; b++) out[NB + b] = -trace[b];
  }
}
