import * as E from 'fp-ts/Either';
import type { Issue } from '../errors';
import { activationByName, type CompiledActivation } from './activation';

/**
 * A coupling: a node-group activation f = act(v_source; β) driving a resistive crossbar into target nodes.
 *
 * - `virtual-ground`: every crossbar line is held at virtual ground (an integrator or transimpedance
 *   amplifier), so the current into target i is Σ_μ G_{μi}·f_μ.
 * - `passive`: the line is the target node itself, so each conductance carries G(f − v). A signed weight is
 *   a differential pair (G⁺ fed by f, G⁻ by −f): current (G⁺ − G⁻)f − (G⁺ + G⁻)v = G·f − |G|·v, so the
 *   crossbar adds Σ_μ |G_{μi}| to the node's leak and its time constant shrinks as the crossbar grows.
 *
 * Weights: `source-major` stores G_{μi} at μ·K + i, `target-major` at i·M + μ, so that two couplings
 * that run one matrix both ways (DenseAM's ξ) can share one array: symmetry by construction. With
 * `perSample` every sample has its own matrix (entry index·B + b), e.g. attention conductances that the
 * input programs.
 */
export type CouplingMode = 'virtual-ground' | 'passive';
export type WeightLayout = 'source-major' | 'target-major';

export interface CouplingGroup {
  readonly activation: CompiledActivation;
  readonly beta: number;
  readonly source: Int32Array;
  readonly target: Int32Array;
  readonly weights: Float64Array;
  readonly layout: WeightLayout;
  readonly perSample: boolean;
  readonly mode: CouplingMode;
}

export interface CouplingInput {
  readonly activation: string;
  /** Inverse temperature (softmax); must be > 0. Default 1. */
  readonly beta?: number;
  readonly source: ArrayLike<number>;
  readonly target: ArrayLike<number>;
  /** A Float64Array is kept as given (not copied), so couplings can share it. */
  readonly weights: Float64Array;
  readonly layout?: WeightLayout;
  /** Samples, when every sample has its own weights (M·K·B entries). */
  readonly perSampleBatch?: number;
  readonly mode?: CouplingMode;
}

export function createCoupling(input: CouplingInput, numNodes: number, where: string): E.Either<Issue[], CouplingGroup> {
  const issues: Issue[] = [];
  const activation = activationByName(input.activation);
  if (E.isLeft(activation)) issues.push({ ...activation.left, where: `${where}.activation` });
  const beta = input.beta ?? 1;
  if (!(beta > 0) || !Number.isFinite(beta)) {
    issues.push({ code: 'invalid-beta', where: `${where}.beta`, message: `the inverse temperature β must be a finite number > 0, got ${beta}` });
  }
  const nodesOf = (list: ArrayLike<number>, what: string) => {
    const seen = new Set<number>();
    Array.from(list).forEach((n, k) => {
      if (!Number.isInteger(n) || n < 1 || n > numNodes) {
        issues.push({ code: 'node-out-of-range', where: `${where}.${what}[${k}]`, message: `node ${n} does not exist or is ground: coupling nodes are 1..${numNodes}` });
      } else if (seen.has(n)) issues.push({ code: 'duplicate-node', where: `${where}.${what}[${k}]`, message: `node ${n} appears twice in the ${what} group` });
      seen.add(n);
    });
    return Int32Array.from(list);
  };
  const source = nodesOf(input.source, 'source');
  const target = nodesOf(input.target, 'target');
  const mode = input.mode ?? 'virtual-ground';
  if (mode !== 'virtual-ground' && mode !== 'passive') issues.push({ code: 'invalid-value', where: `${where}.mode`, message: `mode is virtual-ground or passive, got ${String(mode)}` });
  const samples = input.perSampleBatch ?? 1;
  const expected = source.length * target.length * samples;
  if (input.weights.length !== expected) {
    issues.push({
      code: 'coupling-weights-length',
      where: `${where}.weights`,
      message: `expected ${source.length} sources × ${target.length} targets${input.perSampleBatch ? ` × ${samples} samples` : ''} = ${expected} weights, got ${input.weights.length}`,
    });
  }
  const bad = input.weights.findIndex((w) => !Number.isFinite(w));
  if (bad >= 0) issues.push({ code: 'nonfinite-param', where: `${where}.weights`, message: `weight ${bad} is ${input.weights[bad]}` });
  if (issues.length || E.isLeft(activation)) return E.left(issues);
  return E.right({
    activation: activation.right,
    beta,
    source,
    target,
    weights: input.weights,
    layout: input.layout ?? 'source-major',
    perSample: input.perSampleBatch !== undefined,
    mode,
  });
}

/**
 * Evaluates one coupling over a batch on the dynamics' padded buffers (row n·B holds node n). Owns its
 * scratch (activations, slopes), allocated once for a batch size: evaluating allocates nothing. The
 * crossbar contraction is a plain loop, batch innermost, as the branch kernels.
 */
export class CouplingKernel {
  private readonly M: number;
  private readonly K: number;
  private readonly h: Float64Array;
  private readonly f: Float64Array;
  private readonly slope: Float64Array;
  private readonly du: Float64Array;
  private readonly r: Float64Array;
  private readonly strideSource: number;
  private readonly strideTarget: number;

  constructor(
    readonly group: CouplingGroup,
    readonly B: number,
  ) {
    this.M = group.source.length;
    this.K = group.target.length;
    const size = this.M * B;
    this.h = new Float64Array(size);
    this.f = new Float64Array(size);
    this.slope = new Float64Array(size);
    this.du = new Float64Array(size);
    this.r = new Float64Array(size);
    this.strideSource = group.layout === 'source-major' ? this.K : 1;
    this.strideTarget = group.layout === 'source-major' ? 1 : this.M;
  }

  private gather(from: Float64Array, into: Float64Array): void {
    const { B } = this;
    const src = this.group.source;
    for (let m = 0; m < this.M; m++) into.set(from.subarray(src[m] * B, src[m] * B + B), m * B);
  }

  private activate(v: Float64Array, withSlope: boolean): void {
    this.gather(v, this.h);
    this.group.activation.evaluate(this.h, this.M, this.B, this.group.beta, this.f, withSlope ? this.slope : null);
  }

  /** out[target] += Σ_μ G x_μ (x = f for the RHS, J_f·u for the JVP); passive: −|G|·y[target]. */
  private crossbar(x: Float64Array, y: Float64Array, out: Float64Array): void {
    const { B, M, K, strideSource: sm, strideTarget: sk } = this;
    const { weights: W, target, perSample, mode } = this.group;
    const passive = mode === 'passive';
    if (!perSample && B < 16 && sm !== 1) {
      // Few samples, source-major weights: walk each source's row of weights contiguously (a strided walk
      // over a large crossbar misses the cache on every weight); the K × B targets stay in cache.
      for (let m = 0; m < M; m++) {
        const row = m * sm;
        const xm = m * B;
        for (let i = 0; i < K; i++) {
          const w = W[row + i];
          if (w === 0) continue;
          const ti = target[i] * B;
          for (let b = 0; b < B; b++) out[ti + b] += w * x[xm + b];
          if (passive) {
            const g = Math.abs(w);
            for (let b = 0; b < B; b++) out[ti + b] -= g * y[ti + b];
          }
        }
      }
      return;
    }
    if (!perSample && B < 16) {
      // Few samples, target-major weights: accumulate each target's sum in a register over its contiguous
      // row of weights (one store per sum), which beats a batch-innermost loop of B < 16 trips per weight.
      for (let i = 0; i < K; i++) {
        const ti = target[i] * B;
        for (let b = 0; b < B; b++) {
          let sum = 0;
          let leak = 0;
          for (let m = 0, idx = i * sk, xm = b; m < M; m++, idx += sm, xm += B) {
            sum += W[idx] * x[xm];
            if (passive) leak += Math.abs(W[idx]);
          }
          out[ti + b] += passive ? sum - leak * y[ti + b] : sum;
        }
      }
      return;
    }
    for (let i = 0; i < K; i++) {
      const ti = target[i] * B;
      for (let m = 0; m < M; m++) {
        const idx = m * sm + i * sk;
        const xm = m * B;
        if (perSample) {
          const wb = idx * B;
          for (let b = 0; b < B; b++) out[ti + b] += W[wb + b] * x[xm + b];
          if (passive) for (let b = 0; b < B; b++) out[ti + b] -= Math.abs(W[wb + b]) * y[ti + b];
        } else {
          const w = W[idx];
          if (w === 0) continue;
          for (let b = 0; b < B; b++) out[ti + b] += w * x[xm + b];
          if (passive) {
            const g = Math.abs(w);
            for (let b = 0; b < B; b++) out[ti + b] -= g * y[ti + b];
          }
        }
      }
    }
  }

  rhs(v: Float64Array, out: Float64Array): void {
    this.activate(v, false);
    this.crossbar(this.f, v, out);
  }

  /** out += J·u. */
  jvp(v: Float64Array, u: Float64Array, out: Float64Array): void {
    this.activate(v, true);
    this.gather(u, this.h);
    this.group.activation.jvp(this.f, this.slope, this.h, this.M, this.B, this.group.beta, this.du);
    this.crossbar(this.du, u, out);
  }

  /**
   * With a the adjoint already scaled by 1/C (padded): outA += Jᵀ·a, and grad (same layout as the
   * weights) += ∂(current)/∂G · a, summed over the batch unless the weights are per sample.
   */
  vjp(v: Float64Array, a: Float64Array, outA: Float64Array, grad: Float64Array): void {
    const { B, M, K, strideSource: sm, strideTarget: sk } = this;
    const { weights: W, target, source, perSample, mode } = this.group;
    const passive = mode === 'passive';
    this.activate(v, true);
    const f = this.f;
    const r = this.r;
    r.fill(0);
    for (let i = 0; i < K; i++) {
      const ti = target[i] * B;
      for (let m = 0; m < M; m++) {
        const idx = m * sm + i * sk;
        const xm = m * B;
        if (perSample) {
          const wb = idx * B;
          for (let b = 0; b < B; b++) {
            const w = W[wb + b];
            const ab = a[ti + b];
            r[xm + b] += w * ab;
            let g = f[xm + b] * ab;
            if (passive) {
              outA[ti + b] -= Math.abs(w) * ab;
              g -= Math.sign(w) * v[ti + b] * ab;
            }
            grad[wb + b] += g;
          }
        } else {
          const w = W[idx];
          let g = 0;
          for (let b = 0; b < B; b++) {
            const ab = a[ti + b];
            r[xm + b] += w * ab;
            g += f[xm + b] * ab;
          }
          if (passive) {
            const gw = Math.abs(w);
            const sw = Math.sign(w);
            for (let b = 0; b < B; b++) {
              outA[ti + b] -= gw * a[ti + b];
              g -= sw * v[ti + b] * a[ti + b];
            }
          }
          grad[idx] += g;
        }
      }
    }
    this.group.activation.jvp(f, this.slope, r, M, B, this.group.beta, this.du);
    for (let m = 0; m < M; m++) {
      const sb = source[m] * B;
      for (let b = 0; b < B; b++) outA[sb + b] += this.du[m * B + b];
    }
  }
}
