import * as E from 'fp-ts/Either';
import { activationByName, type CompiledActivation } from '../circuit/activation';
import type { CouplingMode } from '../circuit/coupling';
import { KirchhoffError } from '../errors';

/**
 * The DenseAM energy (reference §1), assembled from each population's symbolic Lagrangian:
 *
 *   E = Σ_groups [ Σ_n f_n·(λ_n x_n − c_n) − Σ_n λ_n L(x_n) ] − Σ_k fᵏᵀ ξᵏ g − ½ gᵀ W g
 *
 * (g = the visible group's activation, fᵏ the hidden ones', c the biases, W the optional recurrent matrix).
 * λ_n is the node's total leak: 1 with virtual-ground crossbars, 1 + Σ|G| into the node with passive ones.
 * Then ∂E/∂x = −(∂f/∂x)·C·dx/dt, so dE/dt = −Σ_groups ẋᵀ (∂f/∂x) C ẋ ≤ 0 for convex Lagrangians. A group
 * Lagrangian (softmax) is not a sum over nodes, so it needs one λ for the whole group.
 *
 * The per-unit terms (f, L) come from the compiled symbolic activations; the bilinear crossbar term is a
 * plain contraction (a symbolic expression with N_v·N_h terms would be as large as the crossbar itself).
 */
export interface EnergyGroup {
  readonly nodes: Int32Array;
  readonly activation: string;
  readonly beta: number;
  readonly bias?: ArrayLike<number>;
}

export interface EnergyLayout {
  readonly numNodes: number;
  /** Visible group first, then the hidden ones in the order of `weights`. */
  readonly groups: readonly EnergyGroup[];
  readonly weights: readonly Float64Array[];
  readonly perSample: readonly boolean[];
  readonly recurrent?: Float64Array;
  readonly mode: CouplingMode;
}

export class DenseAmEnergy {
  private readonly activations: CompiledActivation[];
  private readonly leak: Float64Array[];
  /** Scratch per batch size (x, f per group; the Lagrangian), so evaluating along a trajectory allocates nothing. */
  private scratch: { B: number; x: Float64Array[]; f: Float64Array[]; lag: Float64Array } | undefined;
  private constructor(private readonly layout: EnergyLayout) {
    this.activations = layout.groups.map((g) => {
      const a = activationByName(g.activation);
      if (E.isLeft(a)) throw new KirchhoffError(a.left.code, a.left.message);
      return a.right;
    });
    this.leak = layout.groups.map((g) => new Float64Array(g.nodes.length).fill(1));
    if (layout.mode === 'passive') {
      const Nv = layout.groups[0].nodes.length;
      layout.weights.forEach((xi, k) => {
        const M = layout.groups[k + 1].nodes.length;
        for (let m = 0; m < M; m++) {
          for (let i = 0; i < Nv; i++) {
            const g = Math.abs(xi[m * Nv + i]);
            this.leak[0][i] += g;
            this.leak[k + 1][m] += g;
          }
        }
      });
      const W = layout.recurrent;
      if (W) for (let i = 0; i < Nv; i++) for (let j = 0; j < Nv; j++) this.leak[0][i] += Math.abs(W[j * Nv + i]);
    }
  }

  /** The energy of this layout, or why it has none. */
  static create(layout: EnergyLayout): E.Either<string, DenseAmEnergy> {
    if (layout.mode === 'passive' && layout.perSample.some((p) => p)) return E.left('passive crossbars with per-sample weights give every sample its own leak: no energy is defined for them here');
    const energy = new DenseAmEnergy(layout);
    for (let k = 0; k < layout.groups.length; k++) {
      if (energy.activations[k].definition.kind === 'softmax') {
        const l = energy.leak[k];
        if (l.some((x) => Math.abs(x - l[0]) > 1e-12 * l[0])) {
          return E.left(`the softmax group ${k} has unequal node leaks (passive crossbar with unequal |ξ| row sums): its Lagrangian needs one leak per group`);
        }
      }
    }
    return E.right(energy);
  }

  /** f = act(x) for a compact M×B group (used to start hidden units at their targets). */
  static activate(activation: string, beta: number, x: Float64Array, M: number, B: number, out: Float64Array): void {
    const a = activationByName(activation);
    if (E.isLeft(a)) throw new KirchhoffError(a.left.code, a.left.message);
    a.right.evaluate(x, M, B, beta, out, null);
  }

  /** E per sample: y is the state (row n − 1 holds node n, batch innermost), out has B entries. */
  evaluate(y: Float64Array, B: number, out: Float64Array): void {
    const { groups, weights, perSample, recurrent } = this.layout;
    out.fill(0, 0, B);
    if (this.scratch?.B !== B) {
      this.scratch = { B, x: groups.map((g) => new Float64Array(g.nodes.length * B)), f: groups.map((g) => new Float64Array(g.nodes.length * B)), lag: new Float64Array(B) };
    }
    const { f: fs, lag } = this.scratch;
    groups.forEach((group, k) => {
      const M = group.nodes.length;
      const x = this.scratch!.x[k];
      for (let m = 0; m < M; m++) x.set(y.subarray((group.nodes[m] - 1) * B, group.nodes[m] * B), m * B);
      const f = fs[k];
      this.activations[k].evaluate(x, M, B, group.beta, f, null);
      const leak = this.leak[k];
      for (let m = 0; m < M; m++) {
        const c = group.bias?.[m] ?? 0;
        for (let b = 0; b < B; b++) out[b] += f[m * B + b] * (leak[m] * x[m * B + b] - c);
      }
      this.activations[k].lagrangian(x, M, B, group.beta, lag, leak);
      for (let b = 0; b < B; b++) out[b] -= lag[b];
    });
    const g = fs[0];
    const Nv = groups[0].nodes.length;
    weights.forEach((xi, k) => {
      const f = fs[k + 1];
      const M = groups[k + 1].nodes.length;
      for (let m = 0; m < M; m++) {
        const fm = m * B;
        if (perSample[k]) {
          for (let i = 0; i < Nv; i++) {
            const base = (m * Nv + i) * B;
            for (let b = 0; b < B; b++) out[b] -= f[fm + b] * xi[base + b] * g[i * B + b];
          }
          continue;
        }
        // Σ_i ξ_mi g_i in a register per sample: ξ's row is contiguous.
        for (let b = 0; b < B; b++) {
          let sum = 0;
          for (let i = 0, row = m * Nv, gi = b; i < Nv; i++, gi += B) sum += xi[row + i] * g[gi];
          out[b] -= f[fm + b] * sum;
        }
      }
    });
    if (recurrent) {
      for (let i = 0; i < Nv; i++) for (let j = 0; j < Nv; j++) for (let b = 0; b < B; b++) out[b] -= 0.5 * g[i * B + b] * recurrent[i * Nv + j] * g[j * B + b];
    }
  }
}
