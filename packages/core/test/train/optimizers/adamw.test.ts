import { describe, expect, it } from 'vitest';
import { adamw } from '../../../src/train/optimizers/adamw';
import { decayingLrs, expectClose, replay, torchReference, unwrap } from '../helpers';
import { documentedAdam } from './adam-reference';

const defaults = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true };

describe('adamw', () => {
  it('defaults to PyTorch’s: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01', () => {
    const o = adamw.meta.options;
    expect([o.lr.default, o.betas.default, o.eps.default, o.weightDecay.default]).toEqual([1e-3, [0.9, 0.999], 1e-8, 0.01]);
    expect(unwrap(adamw.create(undefined, [1])).lr).toBe(1e-3);
  });

  it('takes the hand-computed first step', () => {
    // θ0 = 0.5, g = 0.5, lr 0.1: decay to 0.5·(1 − 0.001) = 0.4995; m̂ = 0.5, v̂ = 0.25; 0.4995 − 0.1·0.5/(0.5 + 1e-8) = 0.4995 − 0.099999998.
    const [first] = replay(adamw, {}, 1);
    expect(first[0]).toBeCloseTo(0.399500002, 15);
  });

  it.each([
    ['defaults', {}, defaults, [0.1, 0.1, 0.1, 0.1, 0.1], 'adamw_default'],
    [
      'custom, changing lr',
      { weightDecay: 0.1, betas: [0.8, 0.99], eps: 1e-6 },
      { ...defaults, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1 },
      decayingLrs,
      'adamw_custom',
    ],
  ] as const)('%s: matches the documented algorithm exactly and PyTorch to rounding', (_label, options, resolved, lrs, key) => {
    const ours = replay(adamw, options, 5, lrs);
    expect(ours).toEqual(documentedAdam(resolved, 5, lrs));
    ours.forEach((p, k) => expectClose(p, torchReference[key][k]));
  });

  it('stays within rounding of PyTorch over 200 steps', () => {
    const ours = replay(adamw, {}, 200, new Array(200).fill(0.1));
    expectClose(ours[199], torchReference.adamw_long_final[0], 1e-11);
  });

  it('decouples the decay: a zero gradient shrinks θ by exactly (1 − lr·λ) per step', () => {
    const instance = unwrap(adamw.create({ weightDecay: 0.1 }, [2]));
    const p = Float64Array.of(3, -2);
    const expected = [3, -2];
    for (const lr of [0.1, 0.05, 0.2]) {
      instance.step([p], [new Float64Array(2)], lr);
      for (let i = 0; i < 2; i++) expected[i] = expected[i] * (1 - lr * 0.1);
    }
    expect(Array.from(p)).toEqual(expected);
  });
});
