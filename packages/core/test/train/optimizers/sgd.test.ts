import { describe, expect, it } from 'vitest';
import { sgd } from '../../../src/train/optimizers/sgd';
import { decayingLrs, expectClose, issueCodes, P0, referenceGrad, replay, torchReference, unwrap } from '../helpers';

/**
 * torch.optim.SGD as its documentation states the algorithm, one scalar at a time:
 * g ← g + λθ; b ← g (t = 1) or μb + (1 − τ)g; g ← g + μb (Nesterov) or b; θ ← θ − γg.
 */
function documentedSgd(o: { momentum: number; dampening: number; nesterov: boolean; weightDecay: number }, steps: number, lrs: number[]) {
  const theta: number[] = [...P0];
  const b = [0, 0, 0];
  const g = new Float64Array(3);
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    referenceGrad(theta, g);
    for (let i = 0; i < 3; i++) {
      let gi = g[i];
      if (o.weightDecay !== 0) gi = gi + o.weightDecay * theta[i];
      if (o.momentum !== 0) {
        b[i] = t === 1 ? gi : b[i] * o.momentum + (1 - o.dampening) * gi;
        gi = o.nesterov ? gi + o.momentum * b[i] : b[i];
      }
      theta[i] = theta[i] + -lrs[t - 1] * gi;
    }
    out.push([...theta]);
  }
  return out;
}

describe('sgd', () => {
  const flat = [0.1, 0.1, 0.1, 0.1, 0.1];

  it('takes the hand-computed first Nesterov step', () => {
    // g = (0.5, 1.25, 7.9); b = g; update g + 0.9b = 1.9g; θ − 0.1·1.9g.
    const [first] = replay(sgd, { momentum: 0.9, nesterov: true }, 1);
    expect(first[0]).toBeCloseTo(0.405, 15);
    expect(first[1]).toBeCloseTo(-1.7375, 15);
    expect(first[2]).toBeCloseTo(0.499, 14);
  });

  it.each([
    ['plain', {}, flat, 'sgd_plain'],
    ['momentum and weight decay', { momentum: 0.9, weightDecay: 0.01 }, flat, 'sgd_momentum_wd'],
    ['nesterov', { momentum: 0.9, nesterov: true }, flat, 'sgd_nesterov'],
    ['dampening with a changing lr', { momentum: 0.5, dampening: 0.1 }, decayingLrs, 'sgd_dampening'],
  ] as const)('%s: matches the documented algorithm exactly and PyTorch to rounding', (_label, options, lrs, key) => {
    const ours = replay(sgd, options, 5, lrs);
    const resolved = { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, ...options };
    expect(ours).toEqual(documentedSgd(resolved, 5, [...lrs]));
    ours.forEach((p, k) => expectClose(p, torchReference[key][k]));
  });

  it('keeps no momentum buffer without momentum', () => {
    const instance = unwrap(sgd.create({}, [3]));
    expect(Object.keys(instance.state().buffers)).toEqual([]);
    expect(Object.keys(unwrap(sgd.create({ momentum: 0.5 }, [3])).state().buffers)).toEqual(['momentumBuffer']);
  });

  it('rejects Nesterov without momentum or with dampening, as PyTorch does', () => {
    expect(issueCodes(sgd.create({ nesterov: true }, [3]))).toEqual(['incompatible-options@options.nesterov']);
    expect(issueCodes(sgd.create({ nesterov: true, momentum: 0.9, dampening: 0.5 }, [3]))).toEqual([
      'incompatible-options@options.nesterov',
    ]);
  });

  it('collects every bad option and size at once', () => {
    expect(issueCodes(sgd.create({ lr: -1, momentum: -0.5, weightDecay: -1, nesterov: 'yes', foo: 1 }, [3, -1]))).toEqual([
      'invalid-param-sizes@paramSizes',
      'unknown-option@options.foo',
      'invalid-option@options.lr',
      'invalid-option@options.momentum',
      'invalid-option@options.nesterov',
      'invalid-option@options.weightDecay',
    ]);
  });
});
