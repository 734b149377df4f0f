import { ET_CONSTANTS, ET_SIZES, etInitialState, type EtParams } from './energy-transformer';
import { matmulAdd, outer2 } from './et-kernels';

/**
 * Forward Euler and its discrete adjoint written out for the parity ET alone: the training path. The
 * generic one (`KclDynamics` + the Euler solver + the `discrete` adjoint, `parityLossAndGradient`)
 * handles any circuit and solver and stays the reference; `test/denseam-et-euler.test.ts` holds this one to its loss
 * and gradient.
 *
 * Sample b's attention crossbar is A_b[l][d] = T[x_bl][d] + P[l][d] (T = tok², P = pos²), so every
 * per-sample product splits into shared ones over an augmented crossbar W = [P; T] of L + 2 rows:
 *
 *   Σ_l A_b[l][d] f_l = Σ_r W[r][d] g_r,   g = [f; Σ_{l: x_l = 0} f_l; Σ_{l: x_l = 1} f_l]
 *   Σ_d A_b[l][d] v_d = z_l + z_{L + x_l},   z = W v
 *
 * and the gradients of P and T come out directly (Σ_b of the per-sample ones) without a per-sample
 * array. The model is the same; only the order of the sums differs (agreement to rounding).
 */

/** Equal steps of at most dt over [0, T], as the `constant` controller takes them (same slack, same grid). */
export function eulerGrid(T: number, dt: number): Float64Array {
  const n = Math.max(1, Math.ceil((T / dt) * (1 - 1e-12)));
  return Float64Array.from({ length: n + 1 }, (_, i) => (i === n ? T : T * (i / n)));
}

const { D, L, M } = ET_SIZES;
const R = L + 2;
/** Rows of the stacked crossbar S = [W; ξ_hopf]: everything the visible nodes drive or are driven by. */
const S_ROWS = R + M;
const N = D + L + M;

export class EtEuler {
  readonly B: number;
  readonly size: number;
  /** The token at each position, l·B + b. */
  private readonly tokenAt: Uint8Array;
  /** S = [P; T; ξ_hopf] (S_ROWS × D) and its transpose; biases a, b, c in node order; 1/C per node. */
  private readonly S = new Float64Array(S_ROWS * D);
  private readonly ST = new Float64Array(D * S_ROWS);
  private readonly bias = new Float64Array(N);
  private readonly invC = new Float64Array(N);
  /** dL/dS and dL/d(bias), summed over the batch (zeroed by `resetGradients`). */
  private readonly gS = new Float64Array(S_ROWS * D);
  private readonly gBias = new Float64Array(N);
  /** The activations the crossbar carries to the visible nodes, [g; relu(h_hopf)] (S_ROWS × B). */
  private readonly act: Float64Array;
  /** Adjoint currents in the same rows: [augmented u_attn; u_hopf]. */
  private readonly uAct: Float64Array;
  /** S·x for x = v or u_v. */
  private readonly z: Float64Array;
  private readonly fa: Float64Array;
  private readonly peak: Float64Array;
  private readonly sum: Float64Array;
  private readonly k: Float64Array;
  /** States y_0 … y_n of the last recorded forward, and each step's attention output. */
  private tape: Float64Array[] = [];
  private tapeFa: Float64Array[] = [];
  private grid: Float64Array = new Float64Array(0);

  constructor(readonly tokens: readonly (readonly number[])[]) {
    const B = tokens.length;
    this.B = B;
    this.size = N * B;
    this.tokenAt = new Uint8Array(L * B);
    tokens.forEach((row, b) => row.forEach((x, l) => (this.tokenAt[l * B + b] = x)));
    this.act = new Float64Array(S_ROWS * B);
    this.uAct = new Float64Array(S_ROWS * B);
    this.z = new Float64Array(S_ROWS * B);
    this.fa = new Float64Array(L * B);
    this.peak = new Float64Array(B);
    this.sum = new Float64Array(B);
    this.k = new Float64Array(this.size);
    for (let n = 0; n < N; n++) this.invC[n] = 1 / (n < D ? ET_CONSTANTS.tauV : ET_CONSTANTS.tauH);
  }

  /** Programs the crossbars (squares of the raw parameters) and biases. */
  load(p: EtParams): void {
    const { S } = this;
    for (let i = 0; i < L * D; i++) S[i] = p.pos[i] ** 2;
    for (let i = 0; i < 2 * D; i++) S[L * D + i] = p.tok[i] ** 2;
    for (let i = 0; i < M * D; i++) S[R * D + i] = p.hopf[i] ** 2;
    for (let r = 0; r < S_ROWS; r++) for (let d = 0; d < D; d++) this.ST[d * S_ROWS + r] = S[r * D + d];
    this.bias.set(p.a, 0);
    this.bias.set(p.b, D);
    this.bias.set(p.c, D + L);
  }

  initialState(p: EtParams): Float64Array {
    return etInitialState(p, this.B);
  }

  /** fa = softmax(β h_attn) per sample, shifted by its largest βh. */
  private softmax(y: Float64Array, fa: Float64Array): void {
    const { beta } = ET_CONSTANTS;
    const { B, peak, sum } = this;
    const ha = D * B;
    peak.fill(-Infinity);
    for (let l = 0; l < L; l++) for (let b = 0, i = ha + l * B; b < B; b++, i++) peak[b] = Math.max(peak[b], beta * y[i]);
    sum.fill(0);
    for (let l = 0; l < L; l++) {
      for (let b = 0, i = l * B; b < B; b++, i++) {
        fa[i] = Math.exp(beta * y[ha + i] - peak[b]);
        sum[b] += fa[i];
      }
    }
    for (let l = 0; l < L; l++) for (let b = 0, i = l * B; b < B; b++, i++) fa[i] /= sum[b];
  }

  /**
   * Rows 0…R−1 of `out` = [x; Σ over the positions holding token 0; … token 1] from the L × B block of
   * `x` at xOff; rows R… = the M × B block of `h` at hOff, through relu when `relu` (else copied).
   */
  private stack(x: Float64Array, xOff: number, h: Float64Array, hOff: number, relu: boolean, out: Float64Array): void {
    const { B, tokenAt } = this;
    out.fill(0, L * B, R * B);
    for (let l = 0; l < L; l++) {
      for (let b = 0, i = l * B; b < B; b++, i++) {
        const v = x[xOff + i];
        out[i] = v;
        out[(L + tokenAt[i]) * B + b] += v;
      }
    }
    const o = R * B;
    if (relu) for (let i = 0; i < M * B; i++) out[o + i] = h[hOff + i] > 0 ? h[hOff + i] : 0;
    else for (let i = 0; i < M * B; i++) out[o + i] = h[hOff + i];
  }

  /** out = the current into each node (C·dy/dt) at y, with fa = softmax at y. */
  private currents(y: Float64Array, fa: Float64Array, out: Float64Array): void {
    const { B, tokenAt, z, bias, act } = this;
    this.stack(fa, 0, y, (D + L) * B, true, act);
    for (let n = 0; n < N; n++) for (let b = 0, i = n * B; b < B; b++, i++) out[i] = bias[n] - y[i];
    matmulAdd(this.ST, D, S_ROWS, act, 0, B, out, 0);
    z.fill(0);
    matmulAdd(this.S, S_ROWS, D, y, 0, B, z, 0);
    for (let l = 0; l < L; l++) for (let b = 0, i = l * B; b < B; b++, i++) out[D * B + i] += z[i] + z[(L + tokenAt[i]) * B + b];
    for (let i = 0, o = (D + L) * B; i < M * B; i++) out[o + i] += z[R * B + i];
  }

  /** dy/dt at y (the force at T, for the penalty). */
  vf(y: Float64Array, out: Float64Array): void {
    const B = this.B;
    this.softmax(y, this.fa);
    this.currents(y, this.fa, out);
    for (let n = 0; n < N; n++) for (let b = 0, i = n * B, s = this.invC[n]; b < B; b++, i++) out[i] *= s;
  }

  /** Integrates from y0 to T in Euler steps of at most dt; `record` keeps what `backward` needs. Returns y(T). */
  forward(y0: Float64Array, dt: number, record: boolean): Float64Array {
    this.grid = eulerGrid(ET_CONSTANTS.T, dt);
    const n = this.grid.length - 1;
    if (record && this.tape.length !== n + 1) {
      this.tape = Array.from({ length: n + 1 }, () => new Float64Array(this.size));
      this.tapeFa = Array.from({ length: n }, () => new Float64Array(L * this.B));
    }
    let y = record ? this.tape[0] : y0.slice();
    if (record) y.set(y0);
    let next = record ? this.tape[1] : new Float64Array(this.size);
    const { k, B } = this;
    for (let s = 0; s < n; s++) {
      const h = this.grid[s + 1] - this.grid[s];
      const fa = record ? this.tapeFa[s] : this.fa;
      this.softmax(y, fa);
      this.currents(y, fa, k);
      for (let j = 0; j < N; j++) for (let b = 0, i = j * B, c = this.invC[j]; b < B; b++, i++) next[i] = y[i] + h * (k[i] * c);
      if (record) [y, next] = [next, this.tape[Math.min(s + 2, n)]];
      else [y, next] = [next, y];
    }
    return y.slice();
  }

  /**
   * One reverse-mode evaluation at y (fa its softmax): with u = w/C, writes into aNext the adjoint
   * carried back, base + (∂f/∂y)ᵀ w, and accumulates (∂f/∂θ)ᵀ w. base and w may be the same array.
   */
  private vjp(y: Float64Array, fa: Float64Array, w: Float64Array, scale: number, base: Float64Array | null, aNext: Float64Array): void {
    const { beta } = ET_CONSTANTS;
    const { B, z, uAct, act, tokenAt, gBias, invC } = this;
    const ha = D * B;
    const hh = (D + L) * B;
    const u = this.k;
    // The adjoint weight of each node's current is scale·w/C; its leak-bias source adds ∂I/∂bias = 1, ∂I/∂y = −1.
    for (let n = 0; n < N; n++) {
      const c = scale * invC[n];
      let s = 0;
      for (let b = 0, i = n * B; b < B; b++, i++) {
        const x = c * w[i];
        u[i] = x;
        aNext[i] = (base ? base[i] : 0) - x;
        s += x;
      }
      gBias[n] += s;
    }
    this.stack(u, ha, u, hh, false, uAct);
    matmulAdd(this.ST, D, S_ROWS, uAct, 0, B, aNext, 0);
    z.fill(0);
    matmulAdd(this.S, S_ROWS, D, u, 0, B, z, 0);
    // Softmax's Jacobian is symmetric: Jᵀr = β f ⊙ (r − ⟨f, r⟩), r the current back from the crossbar.
    const dot = this.sum;
    dot.fill(0);
    for (let l = 0; l < L; l++) {
      for (let b = 0, i = l * B; b < B; b++, i++) {
        z[i] += z[(L + tokenAt[i]) * B + b];
        dot[b] += fa[i] * z[i];
      }
    }
    for (let l = 0; l < L; l++) for (let b = 0, i = l * B; b < B; b++, i++) aNext[ha + i] += beta * fa[i] * (z[i] - dot[b]);
    // relu′ = 1 where h > 0 and 0 elsewhere (0 at 0, as the symbolic rule).
    for (let i = 0; i < M * B; i++) if (y[hh + i] > 0) aNext[hh + i] += z[R * B + i];
    this.stack(fa, 0, y, hh, true, act);
    outer2(this.gS, S_ROWS, D, act, 0, u, 0, uAct, 0, y, 0, B);
  }

  /** outA = (∂f/∂y)ᵀ w at any state, accumulating (∂f/∂θ)ᵀ w (the penalty's term at T). */
  vjpAt(y: Float64Array, w: Float64Array, outA: Float64Array): void {
    this.softmax(y, this.fa);
    this.vjp(y, this.fa, w, 1, null, outA);
  }

  resetGradients(): void {
    this.gS.fill(0);
    this.gBias.fill(0);
  }

  /**
   * The discrete adjoint of the last recorded `forward`: from aEnd = dL/dy(T), accumulates dL/dθ and
   * returns dL/dy(0). A reverse Euler step: w = h·ā, ā ← ā + (∂f/∂y)ᵀ w, θ̄ += (∂f/∂θ)ᵀ w.
   */
  backward(aEnd: Float64Array): Float64Array {
    let a = aEnd.slice();
    let next = new Float64Array(this.size);
    for (let s = this.grid.length - 2; s >= 0; s--) {
      const h = this.grid[s + 1] - this.grid[s];
      this.vjp(this.tape[s], this.tapeFa[s], a, h, a, next);
      [a, next] = [next, a];
    }
    return a;
  }

  /** Chains the accumulated gradients and dL/dy(0) (h(0) is the bias) to the raw parameters, into `out`. */
  accumulateGradients(p: EtParams, aStart: Float64Array, out: EtParams): void {
    const { B, gS, gBias } = this;
    for (let i = 0; i < L * D; i++) out.pos[i] += 2 * p.pos[i] * gS[i];
    for (let i = 0; i < 2 * D; i++) out.tok[i] += 2 * p.tok[i] * gS[L * D + i];
    for (let i = 0; i < M * D; i++) out.hopf[i] += 2 * p.hopf[i] * gS[R * D + i];
    for (let d = 0; d < D; d++) out.a[d] += gBias[d];
    const start = (n: number) => {
      let s = gBias[n];
      for (let b = 0; b < B; b++) s += aStart[n * B + b];
      return s;
    };
    for (let l = 0; l < L; l++) out.b[l] += start(D + l);
    for (let m = 0; m < M; m++) out.c[m] += start(D + L + m);
  }
}
