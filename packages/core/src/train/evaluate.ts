import type { Dataset } from '../dataset';
import type { SolverSetup } from '../ode/config';
import { accuracy } from './losses/accuracy';
import type { Loss } from './losses/loss';
import { networkModel, type Network } from './network';
import type { TrainableModel } from './trainable-model';

/** Mean loss and accuracy of a KirchhoffNet on a dataset, forward only. */
export function evaluate(network: Network, data: Dataset, loss: Loss, setup: SolverSetup, batchSize: number): { loss: number; accuracy: number; nfe: number } {
  return evaluateModel(networkModel(network, { forward: setup }), data, loss, batchSize);
}

/** Mean loss and accuracy of any trainable model on a dataset (evaluation mode), and the solver's NFE summed over batches. */
export function evaluateModel(model: TrainableModel, data: Dataset, loss: Loss, batchSize: number): { loss: number; accuracy: number; nfe: number } {
  const K = model.outputWidth;
  let lossSum = 0;
  let correct = 0;
  let nfe = 0;
  for (let start = 0; start < data.count; start += batchSize) {
    const rows = Int32Array.from({ length: Math.min(batchSize, data.count - start) }, (_, i) => start + i);
    const B = rows.length;
    const outputs = new Float64Array(B * K);
    nfe += model.predict(data.inputs, data.inputDim, rows, outputs).nfe;
    const targets = loss.meta.targets === 'class-index' ? Float64Array.from(rows, (r) => data.targets[r]) : gatherTargets(data, rows, K);
    lossSum += loss.evaluate(outputs, B, K, targets, null) * B;
    if (loss.meta.targets === 'class-index') correct += Math.round(accuracy(outputs, B, K, targets) * B);
  }
  return { loss: lossSum / data.count, accuracy: correct / data.count, nfe };
}

export function gatherTargets(data: Dataset, rows: ArrayLike<number>, width: number): Float64Array {
  const out = new Float64Array(rows.length * width);
  for (let b = 0; b < rows.length; b++) for (let k = 0; k < width; k++) out[b * width + k] = data.targets[rows[b] * width + k];
  return out;
}
