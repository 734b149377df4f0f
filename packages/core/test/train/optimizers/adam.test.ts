import { describe, expect, it } from 'vitest';
import { adam } from '../../../src/train/optimizers/adam';
import { decayingLrs, expectClose, issueCodes, replay, torchReference, unwrap } from '../helpers';
import { documentedAdam } from './adam-reference';

const flat = [0.1, 0.1, 0.1, 0.1, 0.1];
const defaults = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false };

describe('adam', () => {
  it('takes the hand-computed first step: θ − lr·g/(|g| + ε) after bias correction', () => {
    // m̂ = g and v̂ = g² on the first step, so each entry moves by lr·|g|/(|g| + ε) against its gradient.
    const [first] = replay(adam, {}, 1);
    const g = [0.5, 1.25, 7.9];
    expect(first[0]).toBeCloseTo(0.5 - (0.1 * g[0]) / (g[0] + 1e-8), 15);
    expect(first[1]).toBeCloseTo(-1.5 - (0.1 * g[1]) / (g[1] + 1e-8), 15);
    expect(first[2]).toBeCloseTo(2 - (0.1 * g[2]) / (g[2] + 1e-8), 15);
  });

  it.each([
    ['defaults', {}, defaults, flat, 'adam_default'],
    [
      'L2 decay, custom betas and eps, changing lr',
      { weightDecay: 0.1, betas: [0.8, 0.99], eps: 1e-6 },
      { ...defaults, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1 },
      decayingLrs,
      'adam_wd',
    ],
    ['β1 < 0.5 (the other lerp branch)', { betas: [0.3, 0.9] }, { ...defaults, beta1: 0.3, beta2: 0.9 }, flat, 'adam_small_beta1'],
  ] as const)('%s: matches the documented algorithm exactly and PyTorch to rounding', (_label, options, resolved, lrs, key) => {
    const ours = replay(adam, options, 5, lrs);
    expect(ours).toEqual(documentedAdam(resolved, 5, lrs));
    ours.forEach((p, k) => expectClose(p, torchReference[key][k]));
  });

  it('adds weight decay to the gradient: with a zero loss gradient it still moves by about lr per step', () => {
    const instance = unwrap(adam.create({ weightDecay: 0.5 }, [1]));
    const p = Float64Array.of(3);
    instance.step([p], [new Float64Array(1)], 0.01);
    // g = λθ > 0, so the first step is lr·g/(g + ε) ≈ lr, not the (1 − lr·λ) shrink of AdamW.
    expect(3 - p[0]).toBeCloseTo(0.01, 9);
  });

  it('rejects betas outside [0, 1), negative eps and weight decay', () => {
    expect(issueCodes(adam.create({ betas: [1, -0.1], eps: -1, weightDecay: -0.1 }, [2]))).toEqual([
      'invalid-option@options.betas',
      'invalid-option@options.eps',
      'invalid-option@options.weightDecay',
    ]);
    expect(issueCodes(adam.create({ betas: [0.9] }, [2]))).toEqual(['invalid-option@options.betas']);
  });
});
