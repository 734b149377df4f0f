import { describe, expect, it } from 'vitest';
import { createKanModel } from '../../src/kan/model';
import { functionBasis } from '../../src/kan/basis';
import type { NormKind } from '../../src/kan/norm';
import type { PreFunction } from '../../src/kan/pre';
import { Rng } from '../../src/random/rng';
import { bases, randomInputs, smallKan } from './helpers';

/** L = Σ w·outputs in training mode, so ∂L/∂outputs = w. */
function weightedLoss(model: ReturnType<typeof smallKan>, x: Float64Array, B: number, w: Float64Array): number {
  const out = new Float64Array(B * model.outputWidth);
  model.forwardBatch(x, B, true, out);
  return out.reduce((s, o, k) => s + o * w[k], 0);
}

describe('KAN model', () => {
  it('has 26,570 parameters in the reference MNIST configuration ([196, 64, 10], two bases, BatchNorm)', () => {
    const model = createKanModel({ widths: [196, 64, 10], layers: [0, 1].map(() => ({ bases: bases(), pre: 'clamp' as const })), norm: 'batch', init: 'kan' }, new Rng(0));
    expect(model.parameterCount).toBe(26_570);
    // LayerNorm has the same γ, β; BatchNorm's running statistics are state, not parameters.
    const layer = createKanModel({ widths: [196, 64, 10], layers: [0, 1].map(() => ({ bases: bases(), pre: 'none' as const })), norm: 'layer', init: 'kan' }, new Rng(0));
    expect(layer.parameterCount).toBe(26_570);
    expect(model.params.reduce((n, p) => n + p.length, 0)).toBe(26_570 + 128);
  });

  it('draws c ~ N(0, (1/(n_in·D))²) with zero biases', () => {
    const model = createKanModel({ widths: [196, 64, 10], layers: [0, 1].map(() => ({ bases: bases(), pre: 'clamp' as const })), norm: 'batch', init: 'kan' }, new Rng(0));
    const c = model.params[model.layout[0].coefficients];
    const std = Math.sqrt(c.reduce((s, v) => s + v * v, 0) / c.length);
    expect(std).toBeCloseTo(1 / 392, 4);
    expect(model.params[model.layout[0].bias].every((b) => b === 0)).toBe(true);
  });

  const cases: { pre: PreFunction; norm: NormKind; range: [number, number] }[] = [
    { pre: 'sigmoid', norm: 'batch', range: [0, 1.2] },
    { pre: 'tanh', norm: 'layer', range: [-1.2, 1.2] },
    { pre: 'none', norm: 'none', range: [-3, 3] },
    { pre: 'clamp', norm: 'batch', range: [0, 1.2] },
    { pre: 'hardtanh', norm: 'layer', range: [-1.2, 1.2] },
  ];
  for (const { pre, norm, range } of cases) {
    it(`gives every parameter's gradient (pre ${pre}, ${norm} norm) as central differences do, through three layers`, () => {
      const widths = [5, 4, 3, 2];
      const model = smallKan(widths, pre, norm, 3, range[0], range[1]);
      const B = 6;
      const x = randomInputs(B, widths[0], 0.1, 1.1);
      const w = randomInputs(B, 2, -1, 1, 11);
      const grads = model.params.map((p) => new Float64Array(p.length));
      model.gradient(x, widths[0], Int32Array.from({ length: B }, (_, b) => b), (_out, g) => (g.set(w), 0), grads);
      let worst = 0;
      let largest = 0;
      model.params.forEach((p, k) => {
        if (model.masks[k]) return expect(grads[k].every((g) => g === 0)).toBe(true);
        for (let i = 0; i < p.length; i++) {
          const keep = p[i];
          const h = 1e-6 * Math.max(1, Math.abs(keep));
          p[i] = keep + h;
          const up = weightedLoss(model, x, B, w);
          p[i] = keep - h;
          const down = weightedLoss(model, x, B, w);
          p[i] = keep;
          worst = Math.max(worst, Math.abs((up - down) / (2 * h) - grads[k][i]));
          largest = Math.max(largest, Math.abs(grads[k][i]));
        }
      });
      expect(largest).toBeGreaterThan(1e-3);
      expect(worst / largest).toBeLessThan(1e-6);
    });
  }

  it('uses batch statistics in training and the running statistics in evaluation (BatchNorm)', () => {
    const widths = [3, 4, 2];
    const model = smallKan(widths, 'sigmoid', 'batch');
    const L = model.layout[0];
    const B = 8;
    const x = randomInputs(B, 3, 0, 1);
    const before = model.params[L.norm!.runningMean!].slice();
    const train = new Float64Array(B * 2);
    model.forwardBatch(x, B, true, train);
    const mean = model.params[L.norm!.runningMean!];
    expect(mean).not.toEqual(before);
    // Evaluation reads the statistics without changing them and gives other outputs than training mode.
    const snapshot = mean.slice();
    const evalOut = new Float64Array(B * 2);
    model.forwardBatch(x, B, false, evalOut);
    expect(model.params[L.norm!.runningMean!]).toEqual(snapshot);
    expect(evalOut).not.toEqual(train);
    // Evaluation is per sample: one sample alone gives the same output as within its batch.
    const single = new Float64Array(2);
    model.forwardBatch(x.subarray(0, 3), 1, false, single);
    expect(single[0]).toBeCloseTo(evalOut[0], 12);
    expect(single[1]).toBeCloseTo(evalOut[1], 12);
  });

  it('is a plain MLP with the identity on the input and ReLU after (the baseline)', () => {
    const model = createKanModel(
      { widths: [3, 4, 2], layers: [{ bases: [functionBasis('identity')], pre: 'none' }, { bases: [functionBasis('relu')], pre: 'none' }], norm: 'none', init: 'torch-linear' },
      new Rng(1),
    );
    expect(model.parameterCount).toBe(3 * 4 + 4 + 4 * 2 + 2);
    const [W1, b1, W2, b2] = model.params;
    const x = [0.3, -0.2, 0.9];
    const h = [0, 1, 2, 3].map((o) => Math.max(0, b1[o] + x.reduce((s, xi, i) => s + xi * W1[i * 4 + o], 0)));
    const y = [0, 1].map((o) => b2[o] + h.reduce((s, hi, i) => s + hi * W2[i * 2 + o], 0));
    const out = new Float64Array(2);
    model.forwardBatch(Float64Array.from(x), 1, false, out);
    expect(out[0]).toBeCloseTo(y[0], 14);
    expect(out[1]).toBeCloseTo(y[1], 14);
  });
});
