import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { createDenseAm, type DenseAmSpec } from '../../src/denseam/dense-am';
import { hammingSpec, XOR_MEMORIES, xorSpec } from '../../src/denseam/tasks';
import { KclDynamics } from '../../src/dynamics/kcl-dynamics';
import { Rng } from '../../src/random/rng';

const codes = (spec: DenseAmSpec) => {
  const built = createDenseAm(spec);
  return E.isLeft(built) ? built.left.map((i) => i.code) : [];
};
const transpose = (rows: readonly (readonly number[])[]) => rows[0].map((_, j) => rows.map((r) => r[j]));

describe('createDenseAm: bad input', () => {
  const xor = xorSpec(4);
  const hidden = xor.hidden[0];

  it('hidden→visible weights that are not the transpose of visible→hidden', () => {
    expect(codes({ ...xor, hidden: [{ ...hidden, weightsBack: transpose(XOR_MEMORIES) }] })).toEqual([]);
    const skewed = transpose(XOR_MEMORIES).map((r, i) => r.map((x, j) => (i === 2 && j === 1 ? x + 0.5 : x)));
    expect(codes({ ...xor, hidden: [{ ...hidden, weightsBack: skewed }] })).toEqual(['asymmetric-coupling']);
  });

  it('a square recurrent matrix that is not symmetric', () => {
    const symmetric = [[0, 1, 2], [1, 0, 3], [2, 3, 0]];
    expect(codes({ ...xor, visible: { ...xor.visible, recurrent: symmetric } })).toEqual([]);
    expect(codes({ ...xor, visible: { ...xor.visible, recurrent: [[0, 1, 2], [1, 0, 3], [2, 3.5, 0]] } })).toEqual(['asymmetric-coupling']);
  });

  it('β ≤ 0', () => {
    for (const beta of [0, -1, Number.NaN]) expect(codes({ ...xor, hidden: [{ ...hidden, beta }] })).toEqual(['invalid-beta']);
  });

  it('a clamped node that is also a readout', () => {
    expect(codes({ ...xor, readout: [0, 2] })).toEqual(['clamped-readout']);
  });

  it('shapes, time constants and unknown activations', () => {
    expect(codes({ ...xor, hidden: [{ ...hidden, weights: [[1, 2]] }] })).toContain('matrix-shape');
    expect(codes({ ...xor, visible: { ...xor.visible, tau: 0 } })).toEqual(['invalid-time-constant']);
    expect(codes({ ...xor, hidden: [{ ...hidden, activation: 'gelu' }] })).toContain('unknown-activation');
  });
});

describe('DenseAM energy', () => {
  /** dE/dt along the flow, by a directional difference: must be ≤ 0 (Lyapunov). */
  function energyRate(spec: DenseAmSpec, seed: number): number[] {
    const built = createDenseAm(spec);
    if (E.isLeft(built)) throw new Error(built.left[0].message);
    const model = built.right;
    const B = 4;
    const rng = new Rng(seed);
    const dyn = new KclDynamics(model.circuit, B);
    const y = Float64Array.from({ length: dyn.size }, () => 1.5 * rng.normal());
    const rate = new Float64Array(dyn.size);
    dyn.vf(0, y, rate);
    const eps = 1e-6;
    const up = new Float64Array(B);
    const down = new Float64Array(B);
    model.energy!.evaluate(y.map((x, i) => x + eps * rate[i]), B, up);
    model.energy!.evaluate(y.map((x, i) => x - eps * rate[i]), B, down);
    return Array.from(up, (u, b) => (u - down[b]) / (2 * eps));
  }

  it('decreases along the flow at random states: softmax, relu and tanh hidden units, with and without a recurrent matrix, virtual-ground and passive', () => {
    const hamming = hammingSpec(2);
    const variants: DenseAmSpec[] = [
      hamming,
      { ...hamming, mode: 'passive' },
      { ...hamming, hidden: [{ ...hamming.hidden[0], activation: 'relu' }], visible: { ...hamming.visible, bias: [0.1, -0.2, 0, 0.3, 0, 0, 0.5] } },
      { ...hamming, visible: { ...hamming.visible, activation: 'tanh', recurrent: Array.from({ length: 7 }, (_, i) => Array.from({ length: 7 }, (_, j) => (i === j ? 0 : 0.1 * ((i + j) % 3)))) } },
      { ...hamming, hidden: [{ ...hamming.hidden[0], bias: Array.from({ length: 16 }, (_, m) => 0.1 * m), tau: 0.3 }] },
    ];
    variants.forEach((spec, k) => energyRate(spec, k).forEach((r) => expect(r, `variant ${k}`).toBeLessThan(0)));
  });
});
