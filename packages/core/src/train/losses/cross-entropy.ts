import { checkLossShapes, labelAt, type Loss } from './loss';

/**
 * Softmax cross-entropy with class-index targets, mean over the batch, as PyTorch's
 * `cross_entropy(logits, labels)`: L = (1/B) Σ_b [log Σ_k exp(z_bk − m_b) − (z_b,y − m_b)] with m_b the
 * row maximum, so logits of ±1000 neither overflow nor lose the small terms. dL/dz_bk = (softmax_bk − [k = y_b])/B.
 */
export const crossEntropy: Loss = {
  name: 'cross-entropy',
  meta: {
    description: 'softmax cross-entropy over each sample’s readout, mean over the batch',
    targets: 'class-index',
    reference: 'torch.nn.functional.cross_entropy (reduction mean)',
  },
  evaluate(outputs, batch, width, targets, gradOut) {
    checkLossShapes('cross-entropy', outputs, batch, width, targets, batch, gradOut);
    const scale = 1 / batch;
    let total = 0;
    for (let b = 0; b < batch; b++) {
      const label = labelAt('cross-entropy', targets, b, width);
      const row = b * width;
      let max = -Infinity;
      for (let k = 0; k < width; k++) if (outputs[row + k] > max) max = outputs[row + k];
      // Read before gradOut (possibly the same array) is overwritten below.
      const shiftedLabel = outputs[row + label] - max;
      let sum = 0;
      if (gradOut === null) {
        for (let k = 0; k < width; k++) sum += Math.exp(outputs[row + k] - max);
      } else {
        for (let k = 0; k < width; k++) {
          const e = Math.exp(outputs[row + k] - max);
          gradOut[row + k] = e;
          sum += e;
        }
        for (let k = 0; k < width; k++) {
          const p = gradOut[row + k] / sum;
          // p − 1 before scaling: exact for p near 1, where p·scale − scale would round twice.
          gradOut[row + k] = (k === label ? p - 1 : p) * scale;
        }
      }
      total += Math.log(sum) - shiftedLabel;
    }
    return total / batch;
  },
};
