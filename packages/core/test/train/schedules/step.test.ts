import { describe, expect, it } from 'vitest';
import { stepSchedule } from '../../../src/train/schedules/step';
import { expectClose, issueCodes, torchReference, unwrap } from '../helpers';

describe('step', () => {
  it('gives PyTorch’s documented StepLR example: 0.05 below epoch 30, 0.005 below 60, 0.0005 below 90', () => {
    const lr = unwrap(stepSchedule.create({ stepSize: 30, gamma: 0.1 }, 0.05));
    expect([0, 29].map(lr)).toEqual([0.05, 0.05]);
    expect(lr(30)).toBeCloseTo(0.005, 17);
    expect(lr(59)).toBeCloseTo(0.005, 17);
    expect(lr(60)).toBeCloseTo(0.0005, 18);
    expect(lr(89)).toBeCloseTo(0.0005, 18);
  });

  it('matches PyTorch’s StepLR epoch by epoch (the reference’s MNIST steplr_100_0.3 among them)', () => {
    const half = unwrap(stepSchedule.create({ stepSize: 3, gamma: 0.5 }, 0.1));
    expect(torchReference['steplr_3_0.5'].map((_, e) => half(e))).toEqual(torchReference['steplr_3_0.5']);
    const mnist = unwrap(stepSchedule.create({ stepSize: 100, gamma: 0.3 }, 5e-4));
    expectClose(torchReference['steplr_100_0.3'].map((_, e) => mnist(e)), torchReference['steplr_100_0.3'], 1e-15);
  });

  it('defaults gamma to 0.1 and needs stepSize', () => {
    expect(unwrap(stepSchedule.create({ stepSize: 1 }, 1))(2)).toBeCloseTo(0.01, 17);
    expect(issueCodes(stepSchedule.create({}, 1))).toEqual(['missing-option@options.stepSize']);
    expect(issueCodes(stepSchedule.create({ stepSize: 2.5, gamma: -1 }, -1))).toEqual([
      'invalid-base-lr@baseLr',
      'invalid-option@options.stepSize',
      'invalid-option@options.gamma',
    ]);
  });
});
