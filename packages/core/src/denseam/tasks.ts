import { Rng } from '../random/rng';
import type { DenseAmSpec } from './dense-am';

/**
 * The DenseAM tasks with known outcomes (reference §3–4), as pure functions of their seeds. Bits are
 * coded ±1 (bit b ↦ 1 − 2b); memories are rows of ξ (N_h × N_v).
 */
export const toSpin = (bit: number) => 1 - 2 * bit;

/** XOR truth-table rows (x1, x2, y) in ±1 coding: the four memories. */
export const XOR_MEMORIES: readonly (readonly number[])[] = [
  [-1, -1, -1],
  [-1, 1, 1],
  [1, -1, 1],
  [1, 1, -1],
];

/** XOR as a DenseAM: g = v, softmax(β), τ_h = 0.1 τ_v, x1 and x2 clamped, y the readout. */
export function xorSpec(beta = 4): DenseAmSpec {
  return {
    visible: { size: 3, tau: 1, activation: 'identity', clamped: [0, 1] },
    hidden: [{ size: 4, tau: 0.1, activation: 'softmax', beta, weights: XOR_MEMORIES }],
    readout: [2],
  };
}

/** The four XOR inputs (x1, x2, y(0) = 0), visible × batch, with the expected y. */
export function xorCases(): { visible: Float64Array; expected: number[] } {
  const B = 4;
  const visible = new Float64Array(3 * B);
  XOR_MEMORIES.forEach((row, b) => {
    visible[b] = row[0];
    visible[B + b] = row[1];
    visible[2 * B + b] = 0;
  });
  return { visible, expected: XOR_MEMORIES.map((row) => row[2]) };
}

/** Hamming (7,4): data bits d1..d4, parities p1 = d1⊕d2⊕d4, p2 = d1⊕d3⊕d4, p3 = d2⊕d3⊕d4 (distance 3). */
export function hammingCodewords(): number[][] {
  return Array.from({ length: 16 }, (_, m) => {
    const d = [(m >> 3) & 1, (m >> 2) & 1, (m >> 1) & 1, m & 1];
    return [...d, d[0] ^ d[1] ^ d[3], d[0] ^ d[2] ^ d[3], d[1] ^ d[2] ^ d[3]];
  });
}

export function hammingSpec(beta = 2): DenseAmSpec {
  return {
    visible: { size: 7, tau: 1, activation: 'identity' },
    hidden: [{ size: 16, tau: 0.1, activation: 'softmax', beta, weights: hammingCodewords().map((w) => w.map(toSpin)) }],
  };
}

export interface CorruptedWords {
  /** Visible × batch, ±1. */
  readonly visible: Float64Array;
  /** The codeword each word came from, ±1, one per sample. */
  readonly sent: number[][];
  readonly batch: number;
}

/** Every codeword with every choice of `flips` (1 or 2) positions flipped: 112 or 336 words. */
export function hammingErrors(flips: 1 | 2): CorruptedWords {
  const words: number[][] = [];
  const sent: number[][] = [];
  const positions: number[][] = [];
  for (let i = 0; i < 7; i++) {
    if (flips === 1) positions.push([i]);
    else for (let j = i + 1; j < 7; j++) positions.push([i, j]);
  }
  for (const codeword of hammingCodewords()) {
    const spins = codeword.map(toSpin);
    for (const flip of positions) {
      words.push(spins.map((s, i) => (flip.includes(i) ? -s : s)));
      sent.push(spins);
    }
  }
  return { visible: nodeMajor(words, 7), sent, batch: words.length };
}

/** Rows (one per sample) to node-major with the batch innermost. */
export function nodeMajor(rows: readonly (readonly number[])[], width: number): Float64Array {
  const B = rows.length;
  const out = new Float64Array(width * B);
  rows.forEach((row, b) => row.forEach((x, i) => (out[i * B + b] = x)));
  return out;
}

/** All 256 8-bit strings with their parity, shuffled by `seed`, split 80/20 (204 train, 52 validation). */
export function paritySplit(seed = 0): { train: number[][]; validation: number[][]; trainLabels: number[]; validationLabels: number[] } {
  const order = new Rng(seed).shuffle(Array.from({ length: 256 }, (_, i) => i));
  const bits = (n: number) => Array.from({ length: 8 }, (_, l) => (n >> (7 - l)) & 1);
  const parity = (n: number) => bits(n).reduce((a, b) => a ^ b, 0);
  const cut = Math.floor(0.8 * 256);
  const train = order.slice(0, cut);
  const validation = order.slice(cut);
  return { train: train.map(bits), validation: validation.map(bits), trainLabels: train.map(parity), validationLabels: validation.map(parity) };
}

/** K random ±1 memories of width N, and K probes each with `flipFraction` of its bits flipped. */
export function randomMemories(N: number, K: number, probes: number, flipFraction: number, seed: number): { memories: number[][]; visible: Float64Array; sent: number[][] } {
  const rng = new Rng(seed);
  const memories = Array.from({ length: K }, () => Array.from({ length: N }, () => (rng.uniform() < 0.5 ? -1 : 1)));
  const flips = Math.round(flipFraction * N);
  const sent = Array.from({ length: probes }, (_, p) => memories[p % K]);
  const words = sent.map((m) => {
    const flipped = new Set(rng.shuffle(Array.from({ length: N }, (_, i) => i)).slice(0, flips));
    return m.map((s, i) => (flipped.has(i) ? -s : s));
  });
  return { memories, visible: nodeMajor(words, N), sent };
}
