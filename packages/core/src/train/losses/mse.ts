import { checkLossShapes, type Loss } from './loss';

/** Mean squared error over batch × outputs, PyTorch's `mse_loss` default reduction: L = Σ(o − t)²/(B·W). */
export const mse: Loss = {
  name: 'mse',
  meta: {
    description: 'mean squared error over every readout of every sample',
    targets: 'value',
    reference: 'torch.nn.functional.mse_loss (reduction mean)',
  },
  evaluate(outputs, batch, width, targets, gradOut) {
    checkLossShapes('mse', outputs, batch, width, targets, batch * width, gradOut);
    const n = batch * width;
    const gradScale = 2 / n;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = outputs[i] - targets[i];
      total += d * d;
      if (gradOut !== null) gradOut[i] = d * gradScale;
    }
    return total / n;
  },
};
