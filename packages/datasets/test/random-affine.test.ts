import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { Rng, type BatchTransform } from '@kirchhoff/core';
import { randomAffine, randomAffineTransform } from '../src/augment/random-affine';
import { createFixedAffine, rotateShiftPlane, rotationMap } from '../src/image/pil-affine';
import { mnist } from '../src/mnist';
import { twoMoons } from '../src/two-moons';

/** A W × H image with every pixel distinct, so any misplaced pixel shows. */
const numbered = (height: number, width: number) => Float64Array.from({ length: height * width }, (_, k) => k + 1);

function rotateShift(image: Float64Array, height: number, width: number, degrees: number, tx = 0, ty = 0): Float64Array {
  const out = new Float64Array(height * width).fill(NaN);
  rotateShiftPlane(image, 0, out, 0, width, height, rotationMap(degrees, width, height, createFixedAffine()), tx, ty);
  return out;
}

/** Written from the definitions, independently of the fixed-point code: numpy's rot90 (counter-clockwise) and a shift. */
const rot90 = (image: Float64Array, n: number) => Float64Array.from({ length: n * n }, (_, k) => image[(k % n) * n + (n - 1 - Math.floor(k / n))]);
const shifted = (image: Float64Array, height: number, width: number, tx: number, ty: number) =>
  Float64Array.from({ length: height * width }, (_, k) => {
    const [y, x] = [Math.floor(k / width) - ty, (k % width) - tx];
    return y >= 0 && y < height && x >= 0 && x < width ? image[y * width + x] : 0;
  });

const apply = (transform: BatchTransform, images: Float64Array, count: number, seed: number) => {
  const copy = images.slice();
  transform.apply(copy, count, new Rng(seed));
  return copy;
};

async function mnistBatch(n: number): Promise<Float64Array> {
  const loaded = await mnist.load({ split: 'train', n, seed: 0 })();
  if (E.isLeft(loaded)) throw new Error(JSON.stringify(loaded.left));
  return loaded.right.inputs;
}

describe('Pillow-exact rotation and shift', () => {
  it('rotates by multiples of 90° exactly, counter-clockwise as numpy rot90 and torch.rot90', () => {
    for (const n of [28, 7, 14]) {
      const image = numbered(n, n);
      const once = rot90(image, n);
      expect(rotateShift(image, n, n, 90)).toEqual(once);
      expect(rotateShift(image, n, n, -270)).toEqual(once);
      expect(rotateShift(image, n, n, 180)).toEqual(rot90(once, n));
      expect(rotateShift(image, n, n, 270)).toEqual(rot90(rot90(once, n), n));
      expect(rotateShift(image, n, n, 0)).toEqual(image);
      expect(rotateShift(image, n, n, 360)).toEqual(image);
    }
  });

  it('turns a non-square image by 180° about its centre', () => {
    const [h, w] = [5, 8];
    const image = numbered(h, w);
    expect(rotateShift(image, h, w, 180)).toEqual(image.slice().reverse());
  });

  it('shifts by whole pixels exactly, filling with zeros', () => {
    const image = numbered(28, 28);
    for (const [tx, ty] of [[3, 0], [0, -2], [-3, 3], [2, 1], [28, 0], [-30, 5]]) {
      expect(rotateShift(image, 28, 28, 0, tx, ty)).toEqual(shifted(image, 28, 28, tx, ty));
    }
  });

  it('rotates first and shifts afterwards: content rotated out of the frame does not come back', () => {
    const image = numbered(28, 28);
    expect(rotateShift(image, 28, 28, 90, 2, -1)).toEqual(shifted(rot90(image, 28), 28, 28, 2, -1));
    const rotated = rotateShift(image, 28, 28, 12.5);
    expect(rotateShift(image, 28, 28, 12.5, -3, 2)).toEqual(shifted(rotated, 28, 28, -3, 2));
  });

  it('is the geometric rotation about the image centre: agrees with a floating-point nearest-neighbour map', () => {
    // The 16.16 fixed point can only move a pixel whose source lies within ~1e-4 of a pixel edge.
    const rng = new Rng(5);
    const [h, w] = [28, 28];
    const image = numbered(h, w);
    let differing = 0;
    for (let trial = 0; trial < 50; trial++) {
      const degrees = 30 * rng.uniform() - 15;
      const phi = (degrees * Math.PI) / 180;
      const reference = Float64Array.from({ length: h * w }, (_, k) => {
        // Output pixel centre (x + ½, y + ½); the source point is the centre turned back by θ (y down, θ counter-clockwise on screen).
        const [dx, dy] = [(k % w) + 0.5 - w / 2, Math.floor(k / w) + 0.5 - h / 2];
        const sx = Math.floor(Math.cos(phi) * dx - Math.sin(phi) * dy + w / 2);
        const sy = Math.floor(Math.sin(phi) * dx + Math.cos(phi) * dy + h / 2);
        return sx >= 0 && sx < w && sy >= 0 && sy < h ? image[sy * w + sx] : 0;
      });
      const ours = rotateShift(image, h, w, degrees);
      differing += ours.filter((v, k) => v !== reference[k]).length;
    }
    expect(differing / (50 * h * w)).toBeLessThan(1e-3);
  });
});

describe('random-affine', () => {
  const transform = randomAffineTransform(15, 0.1, 1, 28, 28);

  it('gives the same batch for the same seed and another for another seed, and leaves rows past count alone', async () => {
    const images = await mnistBatch(64);
    const a = apply(transform, images, 32, 1);
    expect(a).toEqual(apply(transform, images, 32, 1));
    expect(a).not.toEqual(apply(transform, images, 32, 2));
    expect(a.subarray(32 * 784)).toEqual(images.subarray(32 * 784));
    expect(a.subarray(0, 784)).not.toEqual(images.subarray(0, 784));
  });

  it('keeps values and the digit: pixels come from the image or are 0, and most ink survives', async () => {
    const images = await mnistBatch(32);
    const out = apply(transform, images, 32, 3);
    const values = new Set(images);
    expect(out.every((v) => values.has(v) || v === 0)).toBe(true);
    for (let i = 0; i < 32; i++) {
      const ink = (x: Float64Array) => x.subarray(i * 784, (i + 1) * 784).reduce((s, v) => s + v, 0);
      expect(ink(out) / ink(images)).toBeGreaterThan(0.8);
    }
  });

  it('draws shifts uniform in ±10% of the size, rounded as torchvision: each of −3…3 px, the ends 0.3/5.6 as likely', () => {
    // An impulse under shift alone lands where the shift puts it.
    const shiftOnly = randomAffineTransform(0, 0.1, 1, 28, 28);
    const count = 20_000;
    const images = new Float64Array(count * 784);
    for (let i = 0; i < count; i++) images[i * 784 + 14 * 28 + 14] = 1;
    shiftOnly.apply(images, count, new Rng(11));
    const seen = new Map<string, number>();
    for (let i = 0; i < count; i++) {
      const k = images.subarray(i * 784, (i + 1) * 784).indexOf(1);
      const key = `${(k % 28) - 14},${Math.floor(k / 28) - 14}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    const marginal = (axis: 0 | 1, d: number) => [...seen].filter(([key]) => Number(key.split(',')[axis]) === d).reduce((s, [, n]) => s + n, 0) / count;
    for (const axis of [0, 1] as const) {
      for (let d = -3; d <= 3; d++) expect(Math.abs(marginal(axis, d) - (Math.abs(d) === 3 ? 0.3 : 1) / 5.6), `axis ${axis}, shift ${d}`).toBeLessThan(0.012);
      expect(marginal(axis, 4) + marginal(axis, -4)).toBe(0);
    }
  });

  it('draws angles uniform in [−15°, 15°]: a bar from the centre turns through that whole range, evenly', () => {
    const rotateOnly = randomAffineTransform(15, 0, 1, 28, 28);
    const count = 3000;
    // Rows 13–14, columns 14–27: a bar along the x axis, symmetric about the centre line y = 14.
    const bar = new Float64Array(784);
    for (const r of [13, 14]) for (let c = 14; c < 28; c++) bar[r * 28 + c] = 1;
    const images = new Float64Array(count * 784);
    for (let i = 0; i < count; i++) images.set(bar, i * 784);
    rotateOnly.apply(images, count, new Rng(12));
    /** The bar's direction from its lit pixels, counter-clockwise on screen positive; nearest sampling makes it step. */
    const direction = (image: Float64Array) => {
      let [sx, sy, n] = [0, 0, 0];
      for (let k = 0; k < 784; k++) {
        if (image[k] === 0) continue;
        sx += (k % 28) + 0.5 - 14;
        sy += Math.floor(k / 28) + 0.5 - 14;
        n++;
      }
      return (Math.atan2(-sy / n, sx / n) * 180) / Math.PI;
    };
    const drawn = Array.from({ length: count }, (_, i) => direction(images.subarray(i * 784, (i + 1) * 784))).sort((a, b) => a - b);
    expect(drawn[0]).toBeGreaterThan(-16.5);
    expect(drawn[count - 1]).toBeLessThan(16.5);
    expect(drawn[0]).toBeLessThan(-13.5);
    expect(drawn[count - 1]).toBeGreaterThan(13.5);
    // The same measurement on evenly spaced angles is what uniform draws should look like (two-sample Kolmogorov–Smirnov).
    const even = Array.from({ length: count }, (_, i) => direction(rotateShift(bar, 28, 28, -15 + (30 * (i + 0.5)) / count))).sort((a, b) => a - b);
    const below = (sorted: number[], v: number) => sorted.filter((x) => x <= v).length / count;
    const ks = Math.max(...[...new Set([...drawn, ...even])].map((v) => Math.abs(below(drawn, v) - below(even, v))));
    expect(ks).toBeLessThan(0.05);
  });

  it('checks its options and needs images', async () => {
    const moons = await twoMoons.load({ split: 'train', n: 8, seed: 0 })();
    if (E.isLeft(moons)) throw new Error('two-moons failed');
    const codes = (r: E.Either<{ code: string; where?: string }[], unknown>) => (E.isLeft(r) ? r.left.map((i) => `${i.code}@${i.where}`) : []);
    const image = { inputDim: 784, shape: [28, 28] };
    expect(E.isRight(randomAffine.create(undefined, image))).toBe(true);
    expect(E.isRight(randomAffine.create({ rotation: 30, translate: 0.2 }, { inputDim: 3 * 64, shape: [3, 8, 8] }))).toBe(true);
    expect(codes(randomAffine.create({ rotation: -1, translate: 2, scale: 1.1 }, image, 'data.augment'))).toEqual([
      'unknown-option@data.augment.options.scale',
      'invalid-option@data.augment.options.rotation',
      'invalid-option@data.augment.options.translate',
    ]);
    expect(codes(randomAffine.create({}, moons.right, 'data.augment'))).toEqual(['augmentation-needs-images@data.augment']);
    expect(codes(randomAffine.create({}, { inputDim: 100, shape: [28, 28] }))).toEqual(['augmentation-needs-images@augment']);
  });

  it('moves every channel of a colour image the same way', () => {
    const rgb = randomAffineTransform(15, 0.1, 3, 8, 8);
    const plane = numbered(8, 8);
    const images = new Float64Array(2 * 3 * 64);
    for (let p = 0; p < 6; p++) images.set(plane.map((v) => v * (p + 1)), p * 64);
    rgb.apply(images, 2, new Rng(4));
    for (let i = 0; i < 2; i++) {
      for (let c = 1; c < 3; c++) {
        const first = images.subarray(i * 192, i * 192 + 64);
        expect(images.subarray(i * 192 + c * 64, i * 192 + (c + 1) * 64)).toEqual(first.map((v) => (v * (i * 3 + c + 1)) / (i * 3 + 1)));
      }
    }
  });
});
