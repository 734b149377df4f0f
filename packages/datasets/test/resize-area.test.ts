import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { Rng } from '@kirchhoff/core';
import { fashionMnist } from '../src/fashion-mnist';
import { resizeArea } from '../src/image/resize-area';
import { mnist } from '../src/mnist';

const codes = (r: E.Either<{ code: string }[], unknown>) => (E.isLeft(r) ? r.left.map((i) => i.code) : []);

describe('area-averaging resize', () => {
  it('keeps a constant image constant at any size', () => {
    const image = new Float64Array(2 * 28 * 28).fill(0.3);
    for (const size of [14, 7, 28, 56]) expect(resizeArea(image, 2, 1, 28, 28, size, size).every((v) => v === 0.3)).toBe(true);
    for (const size of [10, 20, 9, 1, 33]) {
      const out = resizeArea(image, 2, 1, 28, 28, size, size);
      expect(out.length).toBe(2 * size * size);
      for (const v of out) expect(v).toBeCloseTo(0.3, 15);
    }
  });

  it('averages a pixel checkerboard 28 → 14 to its mean everywhere', () => {
    const board = Float64Array.from({ length: 784 }, (_, k) => ((k % 28) + Math.floor(k / 28)) % 2);
    expect(Array.from(resizeArea(board, 1, 1, 28, 28, 14, 14))).toEqual(new Array(196).fill(0.5));
  });

  it('is the mean of each 2 × 2 block for 28 → 14, and repeats pixels for 28 → 56', () => {
    const rng = new Rng(3);
    const image = Float64Array.from({ length: 784 }, () => rng.uniform());
    const half = resizeArea(image, 1, 1, 28, 28, 14, 14);
    for (let i = 0; i < 14; i++) {
      for (let j = 0; j < 14; j++) {
        const block = [0, 1].flatMap((a) => [0, 1].map((b) => image[(2 * i + a) * 28 + 2 * j + b]));
        expect(half[i * 14 + j]).toBeCloseTo(block.reduce((s, v) => s + v, 0) / 4, 15);
      }
    }
    const double = resizeArea(image, 1, 1, 28, 28, 56, 56);
    expect(double.every((v, k) => v === image[Math.floor(Math.floor(k / 56) / 2) * 28 + Math.floor((k % 56) / 2)])).toBe(true);
  });

  it('weights partly covered pixels by the area they share (3 → 2)', () => {
    // Output pixel 0 covers input [0, 1.5): weights 2/3 and 1/3 along each axis.
    const image = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const out = resizeArea(image, 1, 1, 3, 3, 2, 2);
    const row0 = [1 * (2 / 3) + 2 * (1 / 3), 4 * (2 / 3) + 5 * (1 / 3)];
    expect(out[0]).toBeCloseTo(row0[0] * (2 / 3) + row0[1] * (1 / 3), 14);
    expect(out[3]).toBeCloseTo(10 - out[0], 14); // the image is symmetric under k → 10 − k through its centre
  });
});

describe('the size option of the image datasets', () => {
  it('loads 14 × 14 images, the area average of the 28 × 28 ones, with their shape', async () => {
    for (const dataset of [mnist, fashionMnist]) {
      const full = await dataset.load({ split: 'test', n: 20, seed: 0 })();
      const small = await dataset.load({ split: 'test', n: 20, seed: 0, options: { size: 14 } })();
      if (E.isLeft(full) || E.isLeft(small)) throw new Error(JSON.stringify([full, small]));
      expect([full.right.inputDim, full.right.shape]).toEqual([784, [28, 28]]);
      expect([small.right.inputDim, small.right.shape, small.right.count]).toEqual([196, [14, 14], 20]);
      expect(small.right.inputs).toEqual(resizeArea(full.right.inputs, 20, 1, 28, 28, 14, 14));
      expect(small.right.targets).toEqual(full.right.targets);
    }
  });

  it('rejects a bad size and unknown options', async () => {
    for (const size of [0, 14.5, '14', 2000]) expect(codes(await mnist.load({ split: 'test', n: 2, seed: 0, options: { size } })())).toEqual(['invalid-option']);
    expect(codes(await mnist.load({ split: 'test', n: 2, seed: 0, options: { sise: 14 } })())).toEqual(['unknown-option']);
  });
});
