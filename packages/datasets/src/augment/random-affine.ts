import * as E from 'fp-ts/Either';
import { resolveOptions, type Augmentation, type BatchTransform, type Dataset, type Issue, type Rng, type TrainingOptionSchema } from '@kirchhoff/core';
import { createFixedAffine, rotateShiftPlane, rotationMap } from '../image/pil-affine';

const options = {
  rotation: {
    type: 'number',
    description: 'largest rotation in degrees: each image turns about its centre by an angle uniform in [−rotation, rotation], counter-clockwise positive',
    default: 15,
    min: 0,
    max: 180,
  },
  translate: {
    type: 'number',
    description: 'largest shift as a fraction of the width and height: shifts uniform in ±translate·width and ±translate·height, rounded to whole pixels',
    default: 0.1,
    min: 0,
    max: 1,
  },
} as const satisfies TrainingOptionSchema;

/** Python's round(): to the nearest whole number, ties to even. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return (r - v === 0.5 && r % 2 !== 0 ? r - 1 : r) + 0; // + 0 turns −0 into 0
}

/**
 * The original MNIST training augmentation, torchvision's `Compose([RandomRotation(rotation),
 * RandomAffine(0, translate=(translate, translate))])` on PIL images, per image: an angle θ uniform in
 * [−rotation, rotation] and a rotation about the image centre with nearest-neighbour resampling and zero
 * fill (Pillow's `Image.rotate`, reproduced pixel for pixel in ../image/pil-affine.ts); then shifts
 * tx = round(U(−translate·W, translate·W)), ty = round(U(−translate·H, translate·H)) in whole pixels (as
 * RandomAffine.get_params rounds them; positive moves right and down), zero fill. The random numbers come
 * from our Rng (three uniforms per image: θ, tx, ty), not torch's generator, so the distribution is the
 * original's but not its sample stream. Colour images get the same map on every channel.
 */
export const randomAffine: Augmentation = {
  name: 'random-affine',
  meta: {
    description: 'random rotation and translation of images (nearest neighbour, zero fill), as the original MNIST training',
    options,
    reference: 'torchvision RandomRotation(degrees) + RandomAffine(0, translate=(t, t)) on PIL images (Pillow Image.rotate, Image.transform)',
  },
  create(given, data, where = 'augment') {
    const resolved = resolveOptions(options, given, `${where}.options`);
    const shape = imageShape(data, where);
    if (E.isLeft(resolved) || E.isLeft(shape)) return E.left([...(E.isLeft(shape) ? shape.left : []), ...(E.isLeft(resolved) ? resolved.left : [])]);
    const { rotation, translate } = resolved.right;
    const { planes, height, width } = shape.right;
    return E.right(randomAffineTransform(rotation, translate, planes, height, width));
  },
};

function imageShape(data: Pick<Dataset, 'inputDim' | 'shape'>, where: string): E.Either<Issue[], { planes: number; height: number; width: number }> {
  const shape = data.shape ?? [];
  const [planes, height, width] = shape.length === 2 ? [1, shape[0], shape[1]] : shape.length === 3 ? shape : [0, 0, 0];
  if (planes * height * width === 0 || planes * height * width !== data.inputDim) {
    const has = data.shape ? `samples of shape [${data.shape.join(', ')}]` : `${data.inputDim} plain features per sample`;
    return E.left([{ code: 'augmentation-needs-images', where, message: `random-affine transforms images ([height, width] or [channels, height, width]); this dataset has ${has}` }]);
  }
  return E.right({ planes, height, width });
}

/** The transform for images of one shape; its scratch (one plane) and map are allocated here, once. */
export function randomAffineTransform(rotation: number, translate: number, planes: number, height: number, width: number): BatchTransform {
  const plane = height * width;
  const scratch = new Float64Array(plane);
  const map = createFixedAffine();
  const maxDx = translate * width;
  const maxDy = translate * height;
  return {
    apply(inputs: Float64Array, count: number, rng: Rng): void {
      for (let i = 0; i < count; i++) {
        const angle = -rotation + 2 * rotation * rng.uniform();
        const tx = roundHalfEven(-maxDx + 2 * maxDx * rng.uniform());
        const ty = roundHalfEven(-maxDy + 2 * maxDy * rng.uniform());
        rotationMap(angle, width, height, map);
        for (let p = 0; p < planes; p++) {
          const at = (i * planes + p) * plane;
          for (let k = 0; k < plane; k++) scratch[k] = inputs[at + k];
          rotateShiftPlane(scratch, 0, inputs, at, width, height, map, tx, ty);
        }
      }
    },
  };
}
