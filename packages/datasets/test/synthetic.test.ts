import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { friedman1 } from '../src/friedman1';
import { twoMoons } from '../src/two-moons';

describe('two-moons', () => {
  it('puts class 0 on the upper unit half circle and class 1 on the shifted lower one (noise 0)', async () => {
    const result = await twoMoons.load({ split: 'train', n: 101, seed: 0, options: { noise: 0 } })();
    if (E.isLeft(result)) throw new Error();
    const { inputs, targets } = result.right;
    expect(targets.filter((y) => y === 0).length).toBe(50);
    for (let i = 0; i < 101; i++) {
      const [x, y] = [inputs[2 * i], inputs[2 * i + 1]];
      if (targets[i] === 0) expect(Math.hypot(x, y)).toBeCloseTo(1, 12);
      else expect(Math.hypot(x - 1, y - 0.5)).toBeCloseTo(1, 12);
    }
  });

  it('rejects unknown options and bad counts, all at once', async () => {
    const result = await twoMoons.load({ split: 'train', n: -3, seed: 0, options: { nois: 0.1 } })();
    expect(E.isLeft(result) && result.left.map((i) => i.code)).toEqual(['invalid-count', 'unknown-option']);
  });
});

describe('friedman1', () => {
  it('computes the Friedman #1 target from its inputs', async () => {
    const result = await friedman1.load({ split: 'test', n: 20, seed: 5 })();
    if (E.isLeft(result)) throw new Error();
    const { inputs, targets } = result.right;
    for (let i = 0; i < 20; i++) {
      const x = inputs.subarray(5 * i, 5 * i + 5);
      const y = 10 * Math.sin(Math.PI * x[0] * x[1]) + 20 * (x[2] - 0.5) ** 2 + 10 * x[3] + 5 * x[4];
      expect(targets[i]).toBeCloseTo(y, 12);
    }
  });
});
