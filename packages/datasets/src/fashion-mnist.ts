import * as E from 'fp-ts/Either';
import { defineImageDataset } from './image-dataset';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST from Debian's dataset-fashion-mnist package: gzipped IDX files read in place. */
export const fashionMnist = defineImageDataset({
  name: 'fashion-mnist',
  meta: { task: 'classification', inputDim: 784, outputDim: 10, description: 'Zalando clothing images, 28×28, pixels in [0, 1]', source: `Debian package dataset-fashion-mnist (${FASHION_MNIST_DIR})` },
  files: {
    trainImages: 'train-images-idx3-ubyte.gz',
    trainLabels: 'train-labels-idx1-ubyte.gz',
    testImages: 't10k-images-idx3-ubyte.gz',
    testLabels: 't10k-labels-idx1-ubyte.gz',
  },
  missingHint: 'install the Debian package: apt-get install dataset-fashion-mnist',
  directory: () => E.right(FASHION_MNIST_DIR),
});
