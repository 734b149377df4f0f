import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { join } from 'node:path';
import type { Dataset, DatasetLoadOptions, DatasetMeta, DatasetPlugin, Issue } from '@kirchhoff/core';
import { resizeArea } from './image/resize-area';
import { readIdx } from './io/idx';

/** Where one IDX image set lives and what to tell the user when it is missing. */
export interface ImageSource {
  readonly name: string;
  readonly meta: DatasetMeta;
  /** Directory holding the four files, resolved at load time. */
  directory(): E.Either<Issue[], string>;
  readonly files: { readonly trainImages: string; readonly trainLabels: string; readonly testImages: string; readonly testLabels: string };
  readonly missingHint: string;
}

const SIDE = 28;

/**
 * 28×28 grey-scale digit-style datasets in IDX files: pixels scaled to [0, 1] (torchvision's ToTensor),
 * row-major, one row per image, `shape` [height, width]; labels 0–9. `n` takes the first n images of the
 * split, like the original's evaluation subsets. Files are read in place, never downloaded. The option
 * `size` resizes every image to size × size by area averaging (28 → 14 averages each 2 × 2 block), without
 * rounding back to 8 bits; `meta.inputDim` is the 28 × 28 default.
 */
export function defineImageDataset(source: ImageSource): DatasetPlugin {
  return {
    name: source.name,
    meta: source.meta,
    options: { size: `side of the square images after resizing by area averaging, e.g. 14 (default ${SIDE}: unchanged)` },
    load: (request: DatasetLoadOptions) => TE.fromEither(load(source, request)),
  };
}

/** The `size` option: a whole number of pixels, 1 to 1024. */
function sizeOption(source: ImageSource, options: Readonly<Record<string, unknown>>): E.Either<Issue[], number> {
  const where = `dataset '${source.name}'`;
  const issues: Issue[] = Object.keys(options)
    .filter((k) => k !== 'size')
    .map((k) => ({ code: 'unknown-option', where, message: `unknown option '${k}'; options: size` }));
  const size = options.size ?? SIDE;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 1024) {
    issues.push({ code: 'invalid-option', where, message: `option 'size' must be a whole number of pixels from 1 to 1024, got ${JSON.stringify(size)}` });
  }
  return issues.length ? E.left(issues) : E.right(size as number);
}

function load(source: ImageSource, request: DatasetLoadOptions): E.Either<Issue[], Dataset> {
  const where = `dataset '${source.name}'`;
  const size = sizeOption(source, request.options ?? {});
  if (E.isLeft(size)) return size;
  const dir = source.directory();
  if (E.isLeft(dir)) return dir;
  const [imageFile, labelFile] = request.split === 'train' ? [source.files.trainImages, source.files.trainLabels] : [source.files.testImages, source.files.testLabels];
  const images = readIdx(join(dir.right, imageFile), [null, SIDE, SIDE], source.missingHint);
  const labels = readIdx(join(dir.right, labelFile), [null], source.missingHint);
  if (E.isLeft(images) || E.isLeft(labels)) return E.left([...(E.isLeft(images) ? images.left : []), ...(E.isLeft(labels) ? labels.left : [])]);
  const available = images.right.dims[0];
  if (labels.right.dims[0] !== available) {
    return E.left([{ code: 'label-count-mismatch', where, message: `${imageFile} has ${available} images but ${labelFile} has ${labels.right.dims[0]} labels` }]);
  }
  const count = request.n ?? available;
  if (!Number.isInteger(count) || count < 1 || count > available) {
    return E.left([{ code: 'invalid-count', where, message: `n must be a whole number from 1 to ${available}, got ${count}` }]);
  }
  const pixels = SIDE * SIDE;
  const scaled = new Float64Array(count * pixels);
  const raw = images.right.data;
  for (let i = 0; i < count * pixels; i++) scaled[i] = raw[i] / 255;
  const side = size.right;
  const inputs = side === SIDE ? scaled : resizeArea(scaled, count, 1, SIDE, SIDE, side, side);
  const targets = Float64Array.from(labels.right.data.subarray(0, count));
  return E.right({ inputs, targets, count, inputDim: side * side, shape: [side, side] });
}
