import * as E from 'fp-ts/Either';
import { ValidationError } from '../errors';
import { Rng } from '../random/rng';
import { createDenseAm, type DenseAmModel } from './dense-am';

/**
 * The Analog Energy Transformer for 8-bit parity (reference §3, AnalogET): visible v ∈ R^D, an attention
 * group h_attn ∈ R^L (softmax(βh), one unit per position) whose crossbar the input programs, row l being
 * ξ_tok[x_l] + ξ_pos[l], and a Hopfield group h_hopf ∈ R^M (relu) with crossbar ξ_hopf:
 *
 *   τ_h dh_attn/dt = ξ_attn v + b − h_attn,   τ_h dh_hopf/dt = ξ_hopf v + c − h_hopf
 *   τ_v dv/dt = −v + a + ξ_attnᵀ softmax(βh_attn) + ξ_hopfᵀ relu(h_hopf)
 *
 * Every conductance is a squared raw parameter (non-negative), biases are free; v(0) = 0 and h starts at
 * its target (= its bias, since v(0) = 0); the answer is a digital linear readout W v(T) + r.
 */
export const ET_SIZES = { D: 16, L: 8, M: 16, vocabulary: 2, classes: 2 } as const;
export const ET_CONSTANTS = { beta: 0.1, tauV: 0.1, tauH: 0.01, T: 1 } as const;

/** Raw parameters; the order of `ET_PARAM_NAMES` is the checkpoint and optimizer order. */
export interface EtParams {
  readonly tok: Float64Array;
  readonly pos: Float64Array;
  readonly hopf: Float64Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly c: Float64Array;
  readonly readoutW: Float64Array;
  readonly readoutB: Float64Array;
}
export const ET_PARAM_NAMES = ['tok', 'pos', 'hopf', 'a', 'b', 'c', 'readoutW', 'readoutB'] as const;
/** The conductances: the reference code's "fast" group, trained without weight decay (biases and readout get it). */
export const ET_CONDUCTANCES: readonly (keyof EtParams)[] = ['tok', 'pos', 'hopf'];

export function etParamList(p: EtParams): Float64Array[] {
  return ET_PARAM_NAMES.map((n) => p[n]);
}

export function zerosLikeEt(): EtParams {
  const { D, L, M, vocabulary, classes } = ET_SIZES;
  return {
    tok: new Float64Array(vocabulary * D),
    pos: new Float64Array(L * D),
    hopf: new Float64Array(M * D),
    a: new Float64Array(D),
    b: new Float64Array(L),
    c: new Float64Array(M),
    readoutW: new Float64Array(classes * D),
    readoutB: new Float64Array(classes),
  };
}

/** Standard deviations of the seeded initial raw parameters (conductances are their squares). */
export interface EtInitScales {
  readonly tokens: number;
  /**
   * Position embeddings. 0 switches them off for good: a conductance is raw², so its gradient 2·raw·∂L/∂G
   * is 0 at raw = 0 and no optimizer step moves it.
   */
  readonly positions: number;
  readonly hopfield: number;
  /** Spread of the Hopfield biases c (0: all start at 0). */
  readonly hopfieldBias: number;
}

/**
 * The reference training script's scales: raw 0.1 token embeddings, 0.06 ξ_hopf, zero biases, and no
 * position embeddings (its attention row l is ξ_tok[x_l] alone, so the model sees the bits as a set,
 * which is all parity needs).
 */
export const ET_REFERENCE_INIT: EtInitScales = { tokens: 0.1, positions: 0, hopfield: 0.06, hopfieldBias: 0 };

/**
 * Larger scales: attention conductances ~0.25–0.5 (so β·h_attn is O(1) once v is), ξ_hopf with squares
 * of mean ≈ 0.02 (spectral norm ≈ 0.4 < 1, the ReLU group's energy stays bounded below) and Hopfield
 * biases spread N(0, 0.5) (with non-negative conductances and v ≥ 0 a ReLU with c = 0 never leaves its
 * linear side).
 */
export const ET_WIDE_INIT: EtInitScales = { tokens: 0.5, positions: 0.5, hopfield: 0.15, hopfieldBias: 0.5 };

/** Seeded initialisation; the readout is N(0, 1/D), the other biases 0. */
export function initEtParams(seed: number, scales: EtInitScales = ET_WIDE_INIT): EtParams {
  const rng = new Rng(seed);
  const p = zerosLikeEt();
  const fill = (x: Float64Array, std: number) => x.forEach((_, i) => (x[i] = std * rng.normal()));
  fill(p.tok, scales.tokens);
  fill(p.pos, scales.positions);
  fill(p.hopf, scales.hopfield);
  fill(p.c, scales.hopfieldBias);
  fill(p.readoutW, 1 / Math.sqrt(ET_SIZES.D));
  return p;
}

/** The ET circuit for one fixed batch of bit strings (the input programs its attention crossbar). */
export class EtCircuit {
  readonly model: DenseAmModel;
  readonly batch: number;
  /** ξ_attn per sample, ((l·D + d)·B + b); ξ_hopf (m·D + d): shared with the circuit's couplings. */
  private readonly attention: Float64Array;
  private readonly hopfield: Float64Array;
  private readonly biases: { a: Float64Array; b: Float64Array; c: Float64Array };

  constructor(readonly tokens: readonly (readonly number[])[]) {
    const { D, L, M } = ET_SIZES;
    const { beta, tauV, tauH } = ET_CONSTANTS;
    this.batch = tokens.length;
    this.attention = new Float64Array(L * D * this.batch);
    this.hopfield = new Float64Array(M * D);
    this.biases = { a: new Float64Array(D), b: new Float64Array(L), c: new Float64Array(M) };
    const model = createDenseAm({
      visible: { size: D, tau: tauV, activation: 'identity', bias: this.biases.a },
      hidden: [
        { name: 'attention', size: L, tau: tauH, activation: 'softmax', beta, bias: this.biases.b, weights: this.attention, perSampleBatch: this.batch },
        { name: 'hopfield', size: M, tau: tauH, activation: 'relu', bias: this.biases.c, weights: this.hopfield },
      ],
      readout: Array.from({ length: D }, (_, d) => d),
    });
    if (E.isLeft(model)) throw new ValidationError(model.left);
    this.model = model.right;
  }

  /** Programs the crossbars and sources from raw parameters (squares for conductances). */
  load(p: EtParams): void {
    const { D, L, M } = ET_SIZES;
    const B = this.batch;
    for (let l = 0; l < L; l++) {
      for (let d = 0; d < D; d++) {
        const pos = p.pos[l * D + d] ** 2;
        const base = (l * D + d) * B;
        for (let b = 0; b < B; b++) this.attention[base + b] = p.tok[this.tokens[b][l] * D + d] ** 2 + pos;
      }
    }
    for (let i = 0; i < M * D; i++) this.hopfield[i] = p.hopf[i] ** 2;
    this.biases.a.set(p.a);
    this.biases.b.set(p.b);
    this.biases.c.set(p.c);
    // The leak-bias sources hold a, b, c in row 0 (nodes in order: visible, attention, Hopfield).
    const source = this.model.circuit.sources![0].params;
    source.set(p.a, 0);
    source.set(p.b, D);
    source.set(p.c, D + L);
  }

  initialState(p: EtParams): Float64Array {
    return etInitialState(p, this.batch);
  }

  /**
   * Chains the dynamics' parameter gradients (blocks: sources, then couplings v→attn, attn→v, v→hopf,
   * hopf→v) and dL/dy(0) back to the raw parameters, adding into `out`.
   */
  accumulateGradients(p: EtParams, blocks: readonly Float64Array[], aStart: Float64Array, out: EtParams): void {
    const { D, L, M } = ET_SIZES;
    const B = this.batch;
    const [source, toAttn, fromAttn, toHopf, fromHopf] = blocks;
    for (let d = 0; d < D; d++) out.a[d] += source[d];
    for (let l = 0; l < L; l++) {
      out.b[l] += source[D + l];
      for (let b = 0; b < B; b++) out.b[l] += aStart[(D + l) * B + b];
    }
    for (let m = 0; m < M; m++) {
      out.c[m] += source[D + L + m];
      for (let b = 0; b < B; b++) out.c[m] += aStart[(D + L + m) * B + b];
    }
    for (let l = 0; l < L; l++) {
      for (let d = 0; d < D; d++) {
        const base = (l * D + d) * B;
        let posGrad = 0;
        for (let b = 0; b < B; b++) {
          const g = toAttn[base + b] + fromAttn[base + b];
          posGrad += g;
          const t = this.tokens[b][l] * D + d;
          out.tok[t] += 2 * p.tok[t] * g;
        }
        out.pos[l * D + d] += 2 * p.pos[l * D + d] * posGrad;
      }
    }
    for (let i = 0; i < M * D; i++) out.hopf[i] += 2 * p.hopf[i] * (toHopf[i] + fromHopf[i]);
  }
}

/** The initial state (node-major, batch innermost): v = 0, h at its target, which is its bias. */
export function etInitialState(p: EtParams, B: number): Float64Array {
  const { D, L, M } = ET_SIZES;
  const y = new Float64Array((D + L + M) * B);
  for (let l = 0; l < L; l++) y.fill(p.b[l], (D + l) * B, (D + l + 1) * B);
  for (let m = 0; m < M; m++) y.fill(p.c[m], (D + L + m) * B, (D + L + m + 1) * B);
  return y;
}

/** logits = W v + r for every sample: v is D × B (batch innermost), out is classes × B. */
export function etLogits(p: EtParams, v: Float64Array, B: number, out: Float64Array): void {
  const { D, classes } = ET_SIZES;
  for (let k = 0; k < classes; k++) {
    for (let b = 0; b < B; b++) {
      let s = p.readoutB[k];
      for (let d = 0; d < D; d++) s += p.readoutW[k * D + d] * v[d * B + b];
      out[k * B + b] = s;
    }
  }
}
