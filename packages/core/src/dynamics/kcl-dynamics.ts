import { KirchhoffError } from '../errors';
import type { Circuit } from '../circuit/circuit';
import type { DifferentiableTerm } from '../adjoint/differentiable-term';
import { kernelPool } from '../parallel/kernel-pool';
import { CouplingKernel } from '../circuit/coupling';
import type { ControlledSourceGroup } from '../circuit/controlled-source';

/**
 * The KCL vector field of a circuit over a batch: C·dv/dt = Σ stamped branch currents, state node-major
 * with the batch innermost (entry (n−1)·B + b holds node n of sample b; ground is not in the state).
 *
 * A node with C = 0 is algebraic (held by its branches alone, as in SPICE): its row of `vf` is the net
 * current into it, unscaled, and the constraint is that this is 0. `mass` then marks it (0 for its
 * entries, 1 elsewhere), making the term M·dv/dt = f(v), an index-1 differential-algebraic system while
 * ∂f/∂v restricted to the algebraic nodes is invertible; only solvers with `meta.algebraic` integrate it.
 *
 * Groups run on the WebAssembly SIMD kernels when they apply (`simd/`: an even batch, a law they
 * express), and large groups on all kernel threads (`parallel/kernel-pool.ts`): each thread takes a
 * contiguous range of edges, and the node sums are added in a fixed order, so results repeat exactly for
 * a thread count.
 *
 * Internally every product works on padded buffers that include the ground row 0, so kernels index
 * nodes directly and never test for ground; row 0 of every input buffer stays 0 and row 0 of every
 * output is discarded. Buffers are allocated once per instance: evaluating allocates nothing.
 *
 * Beyond branches (all optional, absent for a KirchhoffNet, whose path is unchanged): voltage-controlled
 * sources (generated kernels like a branch's), couplings (an activation of a node group driving a
 * crossbar, `circuit/coupling.ts`) and clamped nodes (rowScale 0, so dv/dt ≡ 0 and no adjoint flows
 * into their rows). Parameter blocks: the branch groups', then the sources', then the couplings' weights.
 */
export class KclDynamics implements DifferentiableTerm {
  readonly size: number;
  readonly paramSizes: readonly number[];
  /** Nodes (1..N) without capacitance, ascending; empty for an ODE. */
  readonly algebraicNodes: readonly number[];
  /** 1 on differential entries, 0 on algebraic ones; absent when every node has a capacitance. */
  readonly mass?: Float64Array;
  /**
   * Per node, what turns row n of `vf` into the net current into node n (A): C_n, or 1 for an algebraic
   * node, whose row is that current already.
   */
  readonly currentScale: Float64Array;
  /** 1 / currentScale: f_n = rowScale_n · (net current into node n). */
  private readonly rowScale: Float64Array;
  private readonly vFull: Float64Array;
  private readonly uFull: Float64Array;
  private readonly outFull: Float64Array;
  private readonly fFull: Float64Array;
  private readonly conns: Int32Array[][];
  private readonly gradScratch: Float64Array[];
  private readonly sources: readonly ControlledSourceGroup[];
  private readonly couplings: readonly CouplingKernel[];
  /** Right-hand-side evaluations so far (each batched evaluation counts once). */
  evaluations = 0;

  constructor(
    readonly circuit: Circuit,
    readonly batch: number,
  ) {
    if (!Number.isInteger(batch) || batch < 1) throw new KirchhoffError('invalid-batch', `batch size must be a positive whole number, got ${batch}`);
    const N = circuit.numNodes;
    this.algebraicNodes = algebraicNodesOf(circuit);
    this.size = N * batch;
    this.currentScale = circuit.capacitance.map((c) => (c > 0 ? c : 1));
    this.rowScale = circuit.capacitance.map((c) => (c > 0 ? 1 / c : 1));
    for (const n of circuit.clamped ?? []) this.rowScale[n - 1] = 0;
    this.sources = circuit.sources ?? [];
    this.couplings = (circuit.couplings ?? []).map((c, i) => {
      const expected = c.source.length * c.target.length * (c.perSample ? batch : 1);
      if (c.weights.length !== expected) {
        throw new KirchhoffError('coupling-batch-mismatch', `coupling ${i} has per-sample weights for ${c.weights.length / (c.source.length * c.target.length)} samples, the batch is ${batch}`);
      }
      return new CouplingKernel(c, batch);
    });
    if (this.algebraicNodes.length > 0) {
      const mass = new Float64Array(this.size).fill(1);
      for (const n of this.algebraicNodes) mass.fill(0, (n - 1) * batch, n * batch);
      this.mass = mass;
    }
    const full = (N + 1) * batch;
    this.vFull = new Float64Array(full);
    this.uFull = new Float64Array(full);
    this.outFull = new Float64Array(full);
    this.fFull = new Float64Array(full);
    this.conns = circuit.groups.map((g) => [g.src, g.dst]);
    this.paramSizes = [
      ...circuit.groups.map((g) => g.params.length),
      ...this.sources.map((s) => s.params.length),
      ...this.couplings.map((c) => c.group.weights.length),
    ];
    this.gradScratch = this.paramSizes.map((n) => new Float64Array(n));
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
    const pool = kernelPool();
    this.circuit.groups.forEach((g, i) => {
      if (pool.accepts(g, B)) pool.rhs(g, this.conns[i], B, this.vFull, this.outFull);
      else g.type.law.kernels.rhs(0, g.size, B, this.conns[i], g.params, g.size, this.vFull, this.outFull);
    });
    for (const s of this.sources) s.type.law.kernels.rhs(0, s.size, B, s.conn, s.params, s.size, this.vFull, this.outFull);
    for (const c of this.couplings) c.rhs(this.vFull, this.outFull);
    this.scaleOut(this.outFull, out);
  }

  /** out = (∂f/∂v)·u; if `f` is given, also f(v) from the same pass. */
  jvp(_t: number, y: Float64Array, u: Float64Array, out: Float64Array, f: Float64Array | null = null): void {
    const B = this.batch;
    this.vFull.set(y, B);
    this.uFull.set(u, B);
    this.outFull.fill(0);
    if (f) this.fFull.fill(0);
    const pool = kernelPool();
    this.circuit.groups.forEach((g, i) => {
      if (pool.accepts(g, B)) pool.jvp(g, this.conns[i], B, this.vFull, this.uFull, this.outFull, f ? this.fFull : null);
      else g.type.law.kernels.jvp(0, g.size, B, this.conns[i], g.params, g.size, this.vFull, this.uFull, this.outFull, f ? this.fFull : null);
    });
    for (const s of this.sources) s.type.law.kernels.jvp(0, s.size, B, s.conn, s.params, s.size, this.vFull, this.uFull, this.outFull, f ? this.fFull : null);
    for (const c of this.couplings) {
      c.jvp(this.vFull, this.uFull, this.outFull);
      if (f) c.rhs(this.vFull, this.fFull);
    }
    this.scaleOut(this.outFull, out);
    if (f) this.scaleOut(this.fFull, f);
  }

  /**
   * outA = (∂f/∂v)ᵀ·a and gradParams[g] += (∂f/∂θ_g)ᵀ·a summed over the batch (same P×E layout as the
   * group's params); if `f` is given, also f(v) from the same pass. With f = D·S·I(v), D = diag(rowScale)
   * (1/C, or 1 on algebraic nodes), the adjoint weight of current j is w = Sᵀ·D·a, so `a` is scaled by D
   * on the way in, not on the way out.
   */
  vjp(_t: number, y: Float64Array, a: Float64Array, outA: Float64Array, gradParams: readonly Float64Array[] | null, f: Float64Array | null = null): void {
    const B = this.batch;
    const N = this.circuit.numNodes;
    this.vFull.set(y, B);
    for (let n = 0; n < N; n++) {
      const s = this.rowScale[n];
      for (let b = 0, i = n * B; b < B; b++, i++) this.uFull[B + i] = a[i] * s;
    }
    this.outFull.fill(0);
    if (f) this.fFull.fill(0);
    const pool = kernelPool();
    this.circuit.groups.forEach((g, i) => {
      const grad = gradParams ? gradParams[i] : this.gradScratch[i];
      if (pool.accepts(g, B)) pool.vjp(g, this.conns[i], B, this.vFull, this.uFull, this.outFull, grad, f ? this.fFull : null);
      else g.type.law.kernels.vjp(0, g.size, B, this.conns[i], g.params, g.size, this.vFull, this.uFull, this.outFull, grad, f ? this.fFull : null);
    });
    const G = this.circuit.groups.length;
    this.sources.forEach((s, i) => {
      const grad = gradParams ? gradParams[G + i] : this.gradScratch[G + i];
      s.type.law.kernels.vjp(0, s.size, B, s.conn, s.params, s.size, this.vFull, this.uFull, this.outFull, grad, f ? this.fFull : null);
    });
    this.couplings.forEach((c, i) => {
      const k = G + this.sources.length + i;
      c.vjp(this.vFull, this.uFull, this.outFull, gradParams ? gradParams[k] : this.gradScratch[k]);
      if (f) c.rhs(this.vFull, this.fFull);
    });
    outA.set(this.outFull.subarray(B));
    if (f) this.scaleOut(this.fFull, f);
  }

  private scaleOut(full: Float64Array, out: Float64Array): void {
    const B = this.batch;
    const N = this.circuit.numNodes;
    for (let n = 0; n < N; n++) {
      const s = this.rowScale[n];
      for (let b = 0, i = n * B; b < B; b++, i++) out[i] = full[B + i] * s;
    }
  }
}

/**
 * The nodes without capacitance. Each must have a branch: with none, nothing determines its voltage (a
 * singular circuit, as SPICE's "no DC path" check), which is refused here, before any numerics; whether
 * its branches really determine it (∂I/∂v ≠ 0) is checked numerically by the solvers.
 */
function algebraicNodesOf(circuit: Circuit): number[] {
  const nodes: number[] = [];
  circuit.capacitance.forEach((c, i) => {
    if (!(c >= 0 && Number.isFinite(c))) {
      throw new KirchhoffError('negative-capacitance', `capacitance of node ${i + 1} must be a finite number ≥ 0, got ${c}`, { node: i + 1 });
    }
    if (c === 0) nodes.push(i + 1);
  });
  if (nodes.length === 0) return nodes;
  const connected = new Uint8Array(circuit.numNodes + 1);
  for (const g of circuit.groups) {
    for (let e = 0; e < g.size; e++) {
      connected[g.src[e]] = 1;
      connected[g.dst[e]] = 1;
    }
  }
  const isolated = nodes.filter((n) => !connected[n]);
  if (isolated.length > 0) {
    const list = isolated.length === 1 ? `node ${isolated[0]} has` : `nodes ${isolated.join(', ')} have`;
    throw new KirchhoffError(
      'singular-circuit',
      `${list} no capacitance and no branch: nothing determines ${isolated.length === 1 ? 'its voltage' : 'their voltages'} (a singular circuit); connect ${isolated.length === 1 ? 'it' : 'them'} or give ${isolated.length === 1 ? 'it' : 'them'} a capacitance`,
      { nodes: isolated, node: isolated[0] },
    );
  }
  return nodes;
}
