import { checkLossShapes, labelAt } from './loss';

/**
 * The fraction of samples whose largest readout is at their label. Ties go to the first index and a
 * NaN counts as the largest value, as torch.argmax does, so a diverged readout never scores by chance.
 */
export function accuracy(outputs: Float64Array, batch: number, width: number, labels: Float64Array): number {
  checkLossShapes('accuracy', outputs, batch, width, labels, batch, null);
  let correct = 0;
  for (let b = 0; b < batch; b++) {
    const label = labelAt('accuracy', labels, b, width);
    const row = b * width;
    let best = 0;
    for (let k = 1; k < width; k++) {
      const value = outputs[row + k];
      const bestValue = outputs[row + best];
      if (value > bestValue || (Number.isNaN(value) && !Number.isNaN(bestValue))) best = k;
    }
    if (best === label) correct += 1;
  }
  return correct / batch;
}
