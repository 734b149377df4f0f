import type { Dataset } from '../dataset';
import { KirchhoffError } from '../errors';
import { simulateModel } from '../model/simulate';
import type { SolverSetup } from '../ode/config';
import { accuracy } from '../train/losses/accuracy';
import type { Loss } from '../train/losses/loss';
import { encodeInputs, readOutputs, type Network } from '../train/network';

/**
 * A classifier's readout voltages for a whole dataset, kept in the batches they were computed in, so
 * that scoring them repeats core's `evaluate` operation for operation (the loss is a per-batch mean, and
 * an adaptive solver with batch error control makes the voltages depend on which samples share a batch).
 */
export interface Readout {
  /** Readout nodes K. */
  readonly width: number;
  readonly batches: readonly ReadoutBatch[];
  /** Right-hand-side evaluations of all forward solves. */
  readonly nfe: number;
}

export interface ReadoutBatch {
  /** First sample of the batch; the batch holds samples start .. start + size − 1. */
  readonly start: number;
  readonly size: number;
  /** Sample-major, entry b·K + k is readout k of sample b. */
  readonly outputs: Float64Array;
}

export interface ReadoutScore {
  readonly loss: number;
  /** Fraction of samples whose largest readout is at their label. */
  readonly accuracy: number;
}

/** The readout of every sample of `data`, in batches of `batchSize` as core's `evaluate` takes them. */
export function computeReadout(network: Network, data: Dataset, setup: SolverSetup, batchSize: number): Readout {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new KirchhoffError('invalid-batch', `batch size must be a positive whole number, got ${batchSize}`);
  const K = network.spec.readoutNodes.length;
  const batches: ReadoutBatch[] = [];
  let nfe = 0;
  for (let start = 0; start < data.count; start += batchSize) {
    const rows = Int32Array.from({ length: Math.min(batchSize, data.count - start) }, (_, i) => start + i);
    const B = rows.length;
    const input = new Float64Array(network.model.numNodes * B);
    encodeInputs(network, data.inputs, data.inputDim, rows, input);
    const simulation = simulateModel({ model: network.model, input, batch: B, setup });
    nfe += simulation.perSlice.reduce((sum, s) => sum + s.nfe, 0);
    const outputs = new Float64Array(B * K);
    readOutputs(network, simulation.final, B, outputs);
    batches.push({ start, size: B, outputs });
  }
  return { width: K, batches, nfe };
}

/**
 * Loss and accuracy of a classification readout, optionally after `perturb` rewrites each batch's
 * outputs into a scratch array (e.g. readout noise; it must draw in batch order for a seed to fix the
 * result). Unperturbed, the numbers are exactly those core's `evaluate` returns for the same batches.
 */
export function scoreReadout(readout: Readout, data: Dataset, loss: Loss, perturb?: (outputs: Float64Array, out: Float64Array) => void): ReadoutScore {
  if (loss.meta.targets !== 'class-index') throw new KirchhoffError('not-classification', `scoring a readout needs a classification loss; '${loss.name}' takes value targets`);
  const K = readout.width;
  let lossSum = 0;
  let correct = 0;
  let count = 0;
  for (const { start, size: B, outputs } of readout.batches) {
    const targets = data.targets.slice(start, start + B);
    let scored = outputs;
    if (perturb) {
      scored = new Float64Array(outputs.length);
      perturb(outputs, scored);
    }
    lossSum += loss.evaluate(scored, B, K, targets, null) * B;
    correct += Math.round(accuracy(scored, B, K, targets) * B);
    count += B;
  }
  return { loss: lossSum / count, accuracy: correct / count };
}
