import { KirchhoffError } from '../errors';
import type { Circuit } from '../circuit/circuit';
import type { DifferentiableTerm } from '../adjoint/differentiable-term';

/**
 * The KCL vector field of a circuit over a batch: C·dv/dt = Σ stamped branch currents, state node-major
 * with the batch innermost (entry (n−1)·B + b holds node n of sample b; ground is not in the state).
 *
 * Internally every product works on padded buffers that include the ground row 0, so kernels index
 * nodes directly and never test for ground; row 0 of every input buffer stays 0 and row 0 of every
 * output is discarded. Buffers are allocated once per instance: evaluating allocates nothing.
 */
export class KclDynamics implements DifferentiableTerm {
  readonly size: number;
  readonly paramSizes: readonly number[];
  private readonly invC: Float64Array;
  private readonly vFull: Float64Array;
  private readonly uFull: Float64Array;
  private readonly outFull: Float64Array;
  private readonly fFull: Float64Array;
  private readonly conns: Int32Array[][];
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
        throw new KirchhoffError(
          'algebraic-node',
          `node ${i + 1} has capacitance ${c}: an ODE needs C > 0 on every node (nodes without capacitance need a DAE solver)`,
          { node: i + 1 },
        );
      }
    });
    this.size = N * batch;
    this.invC = circuit.capacitance.map((c) => 1 / c);
    const full = (N + 1) * batch;
    this.vFull = new Float64Array(full);
    this.uFull = new Float64Array(full);
    this.outFull = new Float64Array(full);
    this.fFull = new Float64Array(full);
    this.conns = circuit.groups.map((g) => [g.src, g.dst]);
    this.paramSizes = circuit.groups.map((g) => g.params.length);
    this.gradScratch = circuit.groups.map((g) => new Float64Array(g.params.length));
  }

  withBatch(batch: number): KclDynamics {
    return new KclDynamics(this.circuit, batch);
  }

  describeIndex(index: number): string {
    return `node ${Math.floor(index / this.batch) + 1} (sample ${index % this.batch})`;
  }

  vf(_t: number, y: Float64Array, out: Float64Array): void {
    this.evaluations++;
    const B = this.batch;
    this.vFull.set(y, B);
    this.outFull.fill(0);
    this.circuit.groups.forEach((g, i) => {
      g.type.law.kernels.rhs(0, g.size, B, this.conns[i], g.params, g.size, this.vFull, this.outFull);
    });
    this.scaleOut(this.outFull, out);
  }

  /** out = (∂f/∂v)·u; if `f` is given, also f(v) from the same pass. */
  jvp(_t: number, y: Float64Array, u: Float64Array, out: Float64Array, f: Float64Array | null = null): void {
    const B = this.batch;
    this.vFull.set(y, B);
    this.uFull.set(u, B);
    this.outFull.fill(0);
    if (f) this.fFull.fill(0);
    this.circuit.groups.forEach((g, i) => {
      g.type.law.kernels.jvp(0, g.size, B, this.conns[i], g.params, g.size, this.vFull, this.uFull, this.outFull, f ? this.fFull : null);
    });
    this.scaleOut(this.outFull, out);
    if (f) this.scaleOut(this.fFull, f);
  }

  /**
   * outA = (∂f/∂v)ᵀ·a and gradParams[g] += (∂f/∂θ_g)ᵀ·a summed over the batch (same P×E layout as the
   * group's params); if `f` is given, also f(v) from the same pass. With f = C⁻¹·S·I(v), the adjoint
   * weight of current j is w = Sᵀ·C⁻¹·a, so `a` is scaled by 1/C on the way in, not on the way out.
   */
  vjp(_t: number, y: Float64Array, a: Float64Array, outA: Float64Array, gradParams: readonly Float64Array[] | null, f: Float64Array | null = null): void {
    const B = this.batch;
    const N = this.circuit.numNodes;
    this.vFull.set(y, B);
    for (let n = 0; n < N; n++) {
      const s = this.invC[n];
      for (let b = 0, i = n * B; b < B; b++, i++) this.uFull[B + i] = a[i] * s;
    }
    this.outFull.fill(0);
    if (f) this.fFull.fill(0);
    this.circuit.groups.forEach((g, i) => {
      const grad = gradParams ? gradParams[i] : this.gradScratch[i];
      g.type.law.kernels.vjp(0, g.size, B, this.conns[i], g.params, g.size, this.vFull, this.uFull, this.outFull, grad, f ? this.fFull : null);
    });
    outA.set(this.outFull.subarray(B));
    if (f) this.scaleOut(this.fFull, f);
  }

  private scaleOut(full: Float64Array, out: Float64Array): void {
    const B = this.batch;
    const N = this.circuit.numNodes;
    for (let n = 0; n < N; n++) {
      const s = this.invC[n];
      for (let b = 0, i = n * B; b < B; b++, i++) out[i] = full[B + i] * s;
    }
  }
}
