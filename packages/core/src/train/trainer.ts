import { appendFileSync, existsSync, mkdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BatchTransform, Dataset } from '../dataset';
import { KirchhoffError } from '../errors';
import type { AdjointMethod } from '../adjoint/adjoint-method';
import type { SolverSetup } from '../ode/config';
import { Rng } from '../random/rng';
import { readCheckpoint, readParamsInto, restoreParams, writeCheckpointAtomically, writeParamsAtomically, encodeParams, type RunningTotals, type TrainingCheckpoint } from './checkpoint';
import { clipGradNorm, clipGradValue } from './clip';
import { accuracy } from './losses/accuracy';
import type { Loss } from './losses/loss';
import type { OptimizerInstance } from './optimizers/optimizer';
import type { LrFunction } from './schedules/schedule';
import { evaluateModel, gatherTargets } from './evaluate';
import { networkModel, type Network } from './network';
import type { TrainableModel } from './trainable-model';

/** A KirchhoffNet with its solvers and adjoint. */
export interface TrainerOptions extends TrainerSettings {
  readonly network: Network;
  readonly forward: SolverSetup;
  readonly backward: SolverSetup;
  readonly method: AdjointMethod;
}

/** Any other TrainableModel (a KAN, an MLP). */
export interface ModelTrainerOptions extends TrainerSettings {
  readonly model: TrainableModel;
}

export interface TrainerSettings {
  readonly train: Dataset;
  readonly test: Dataset;
  /**
   * Held-out training samples. When given, early stopping and the best epoch follow validation accuracy
   * (−loss for regression) instead of test accuracy, each epoch's metrics gain `validationLoss` and
   * `validationAccuracy`, and the best epoch's parameters are restored at the end (KANalogue's protocol).
   */
  readonly validation?: Dataset;
  readonly loss: Loss;
  readonly optimizer: OptimizerInstance;
  readonly lr: LrFunction;
  /**
   * Read the schedule at fractional epochs, epoch + batch/batches, so that the rate changes every
   * iteration (a cosine decaying within the first epoch); default: once per epoch, as PyTorch's schedulers.
   */
  readonly lrPerIteration?: boolean;
  readonly clip?: { readonly maxNorm?: number; readonly value?: number };
  readonly epochs: number;
  readonly batchSize: number;
  readonly evalBatchSize?: number;
  /** Seeds the shuffling stream (initialisation has its own, in building the network). */
  readonly seed: number;
  /** Transforms each training mini-batch (never test data), drawing from the shuffling stream after the epoch's shuffle. */
  readonly augment?: BatchTransform;
  readonly runDir: string;
  readonly checkpoint?: { readonly everyIterations?: number; readonly everyMinutes?: number };
  /**
   * Mid-epoch test evaluations (for an accuracy-vs-time curve), besides the one after every epoch: after
   * every n iterations and/or when m minutes have passed since the last one. They read the parameters
   * only, so they change nothing a resumed run depends on.
   */
  readonly evaluate?: { readonly everyIterations?: number; readonly everyMinutes?: number };
  readonly earlyStopping?: { readonly patience: number; readonly minDelta?: number };
  /** Continue from runDir's checkpoint. */
  readonly resume?: boolean;
  /** Stop (as if killed, without a final checkpoint) after this many iterations in this process: for tests. */
  readonly stopAfterIterations?: number;
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly log?: (message: string) => void;
}

export interface ProgressEvent {
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly nfeForward: number;
  readonly nfeBackward: number;
  readonly lr: number;
}

export interface EpochMetrics {
  readonly type: 'epoch';
  readonly epoch: number;
  readonly iteration: number;
  readonly lr: number;
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  readonly testLoss: number;
  readonly testAccuracy: number;
  /** Mean right-hand-side evaluations per iteration, summed over slices. */
  readonly nfeForward: number;
  readonly nfeBackward: number;
  readonly rollbacks: number;
  readonly seconds: number;
  /** Only with a validation set. */
  readonly validationLoss?: number;
  readonly validationAccuracy?: number;
}

/** A mid-epoch test evaluation (`TrainerOptions.evaluate`). */
export interface EvaluationMetrics {
  readonly type: 'eval';
  readonly epoch: number;
  readonly batch: number;
  readonly iteration: number;
  readonly testLoss: number;
  readonly testAccuracy: number;
  /** Run time at the end of the evaluation, evaluations included. */
  readonly seconds: number;
  readonly evalSeconds: number;
}

export interface TrainingSummary {
  readonly epochs: number;
  readonly iterations: number;
  readonly finalTestAccuracy: number;
  readonly finalTestLoss: number;
  /** Best test accuracy (classification) or −loss (regression), and its epoch. */
  readonly bestTestScore: number;
  readonly bestEpoch: number;
  readonly seconds: number;
  readonly stoppedEarly: boolean;
  readonly interrupted: boolean;
  /** With a validation set: the epoch whose parameters were restored (final test figures are theirs). */
  readonly restoredEpoch?: number;
}

const CHECKPOINT = 'checkpoint.json';
const METRICS = 'metrics.jsonl';
/** The best epoch's parameters, kept while training with a validation set. */
export const BEST_PARAMS = 'best-params.json';


/**
 * Mini-batch training through the adjoint. Everything random comes from one seeded PRNG whose state is
 * checkpointed with the parameters, the optimizer state and the position in the epoch, so a resumed run
 * is the uninterrupted run bit for bit. A failed solve or a non-finite loss or gradient skips the update
 * (the parameters and optimizer keep their last good state) and is logged as a rollback.
 */
export function train(options: TrainerOptions): TrainingSummary {
  return trainModel({ ...options, model: networkModel(options.network, options) });
}

/** `train` for any TrainableModel: the same loop, checkpoints and metrics. */
export function trainModel(options: ModelTrainerOptions): TrainingSummary {
  const { train: data, loss, optimizer, runDir, model } = options;
  mkdirSync(runDir, { recursive: true });
  const metricsPath = join(runDir, METRICS);
  const checkpointPath = join(runDir, CHECKPOINT);
  const log = options.log ?? (() => {});
  const started = performance.now();
  const batches = Math.ceil(data.count / options.batchSize);

  let rng = new Rng(options.seed);
  let epoch = 0;
  let batchIndex = 0;
  let iteration = 0;
  let permutation: Int32Array | null = null;
  let running = freshTotals();
  let best = { score: -Infinity, epoch: -1 };
  const classifying = loss.meta.targets === 'class-index';
  let elapsedBefore = 0;
  if (options.resume) {
    const saved = readCheckpoint(checkpointPath, model.params.map((p) => p.length));
    restoreParams(saved, model.params);
    optimizer.load(saved.optimizer);
    rng = Rng.fromState(saved.rng);
    ({ epoch, batchIndex, iteration } = saved);
    permutation = saved.permutation && Int32Array.from(saved.permutation);
    running = { ...saved.running };
    best = { ...saved.best };
    elapsedBefore = saved.elapsedSeconds;
    // Metrics written after the checkpoint belong to work that will be redone.
    if (existsSync(metricsPath) && statSync(metricsPath).size > saved.metricsBytes) truncateSync(metricsPath, saved.metricsBytes);
    log(`resumed from ${checkpointPath}: epoch ${epoch + 1}, batch ${batchIndex + 1}/${batches}, iteration ${iteration}`);
  } else {
    writeFileSync(metricsPath, '');
    rmSync(join(runDir, BEST_PARAMS), { force: true });
  }

  const elapsed = () => elapsedBefore + (performance.now() - started) / 1000;
  let lastCheckpointAt = performance.now();
  /** Saves the state a resumed run starts from: mini-batch `nextBatch` of epoch `nextEpoch`. */
  const saveCheckpoint = (nextEpoch: number, nextBatch: number) => {
    const checkpoint: TrainingCheckpoint = {
      format: 'kirchhoff-checkpoint',
      version: 1,
      epoch: nextEpoch,
      batchIndex: nextBatch,
      iteration,
      permutation: permutation && Array.from(permutation),
      rng: rng.state(),
      params: encodeParams(model.params),
      optimizer: optimizer.state(),
      running: { ...running },
      metricsBytes: existsSync(metricsPath) ? statSync(metricsPath).size : 0,
      best,
      elapsedSeconds: elapsed(),
    };
    writeCheckpointAtomically(checkpointPath, checkpoint);
    lastCheckpointAt = performance.now();
  };
  const checkpointDue = () => {
    const every = options.checkpoint?.everyIterations;
    const minutes = options.checkpoint?.everyMinutes;
    return (every !== undefined && iteration % every === 0) || (minutes !== undefined && performance.now() - lastCheckpointAt >= minutes * 60_000);
  };

  let lastEvaluationAt = performance.now();
  const evaluationDue = () => {
    const every = options.evaluate?.everyIterations;
    const minutes = options.evaluate?.everyMinutes;
    return (every !== undefined && iteration % every === 0) || (minutes !== undefined && performance.now() - lastEvaluationAt >= minutes * 60_000);
  };
  const evaluateMidEpoch = () => {
    const start = performance.now();
    const test = evaluateModel(model, options.test, loss, options.evalBatchSize ?? 256);
    lastEvaluationAt = performance.now();
    const record: EvaluationMetrics = {
      type: 'eval',
      epoch: epoch + 1,
      batch: batchIndex + 1,
      iteration,
      testLoss: test.loss,
      testAccuracy: test.accuracy,
      seconds: elapsed(),
      evalSeconds: (lastEvaluationAt - start) / 1000,
    };
    appendFileSync(metricsPath, JSON.stringify(record) + '\n');
    log(
      `test at epoch ${epoch + 1}, batch ${batchIndex + 1}/${batches} (iteration ${iteration}): loss ${test.loss.toFixed(4)} acc ${(100 * test.accuracy).toFixed(2)}%, ` +
        `${record.seconds.toFixed(0)} s (evaluation ${record.evalSeconds.toFixed(0)} s)`,
    );
  };

  const grads = model.params.map((p) => new Float64Array(p.length));
  const bestPath = join(runDir, BEST_PARAMS);
  const validating = options.validation !== undefined;
  let restoredEpoch: number | undefined;
  const augmenting = options.augment && augmentationBuffers(options.augment, data.inputDim, options.batchSize);
  let ranHere = 0;
  let stoppedEarly = false;
  let lastTestAccuracy = NaN;
  let lastTestLoss = NaN;
  for (; epoch < options.epochs; epoch++) {
    let lr = options.lr(epoch);
    if (!permutation) permutation = rng.shuffle(Int32Array.from({ length: data.count }, (_, i) => i));
    for (; batchIndex < batches; batchIndex++) {
      if (options.stopAfterIterations !== undefined && ranHere >= options.stopAfterIterations) {
        return summary(true);
      }
      const rows = permutation.subarray(batchIndex * options.batchSize, Math.min(data.count, (batchIndex + 1) * options.batchSize));
      if (options.lrPerIteration) lr = options.lr(epoch + batchIndex / batches);
      const step = trainStep(options, model, rows, grads, lr, augmenting?.prepare(data, rows, rng));
      if (step.ok) {
        running.lossSum += step.loss * rows.length;
        running.correct += step.correct;
        running.seen += rows.length;
        running.nfeForward += step.nfeForward;
        running.nfeBackward += step.nfeBackward;
        running.updates++;
      } else {
        running.rollbacks++;
        log(`rollback at epoch ${epoch + 1}, batch ${batchIndex + 1}: ${step.reason}; parameters and optimizer kept at their last good state`);
        appendFileSync(metricsPath, JSON.stringify({ type: 'rollback', epoch, batch: batchIndex, iteration, reason: step.reason }) + '\n');
      }
      iteration++;
      ranHere++;
      const done = Math.max(1, running.seen);
      options.onProgress?.({
        epoch,
        epochs: options.epochs,
        batch: batchIndex + 1,
        batches,
        loss: running.lossSum / done,
        accuracy: running.correct / done,
        nfeForward: running.nfeForward / Math.max(1, running.updates),
        nfeBackward: running.nfeBackward / Math.max(1, running.updates),
        lr,
      });
      if (evaluationDue() && batchIndex + 1 < batches) evaluateMidEpoch();
      if (checkpointDue() && batchIndex + 1 < batches) saveCheckpoint(epoch, batchIndex + 1);
    }
    const test = evaluateModel(model, options.test, loss, options.evalBatchSize ?? 256);
    const validation = options.validation && evaluateModel(model, options.validation, loss, options.evalBatchSize ?? 256);
    lastTestAccuracy = test.accuracy;
    lastTestLoss = test.loss;
    const updates = Math.max(1, running.updates);
    const metrics: EpochMetrics = {
      type: 'epoch',
      epoch: epoch + 1,
      iteration,
      lr,
      trainLoss: running.lossSum / Math.max(1, running.seen),
      trainAccuracy: running.correct / Math.max(1, running.seen),
      testLoss: test.loss,
      testAccuracy: test.accuracy,
      nfeForward: running.nfeForward / updates,
      nfeBackward: running.nfeBackward / updates,
      rollbacks: running.rollbacks,
      seconds: elapsed(),
      ...(validation && { validationLoss: validation.loss, validationAccuracy: validation.accuracy }),
    };
    appendFileSync(metricsPath, JSON.stringify(metrics) + '\n');
    log(
      `epoch ${epoch + 1}/${options.epochs}: train loss ${metrics.trainLoss.toFixed(4)} acc ${(100 * metrics.trainAccuracy).toFixed(2)}%, ` +
        `${validation ? `validation loss ${validation.loss.toFixed(4)} acc ${(100 * validation.accuracy).toFixed(2)}%, ` : ''}` +
        `test loss ${test.loss.toFixed(4)} acc ${(100 * test.accuracy).toFixed(2)}%, NFE ${metrics.nfeForward.toFixed(0)}+${metrics.nfeBackward.toFixed(0)}, ${metrics.seconds.toFixed(1)} s`,
    );
    const scored = validation ?? test;
    const score = classifying ? scored.accuracy : -scored.loss;
    if (score > best.score + (options.earlyStopping?.minDelta ?? 0)) {
      best = { score, epoch: epoch + 1 };
      if (validating) writeParamsAtomically(bestPath, model.params);
    }
    running = freshTotals();
    permutation = null;
    batchIndex = 0;
    if (options.earlyStopping && epoch + 1 - best.epoch >= options.earlyStopping.patience) {
      stoppedEarly = true;
      epoch++;
      saveCheckpoint(epoch, 0);
      log(`early stopping: no ${validating ? 'validation' : 'test'} ${classifying ? 'accuracy' : 'loss'} improvement for ${options.earlyStopping.patience} epochs (best at epoch ${best.epoch})`);
      break;
    }
    saveCheckpoint(epoch + 1, 0);
  }
  if (validating && existsSync(bestPath)) {
    // KANalogue's protocol: the final model is the best epoch's; the finished run's checkpoint holds it.
    readParamsInto(bestPath, model.params);
    restoredEpoch = best.epoch;
    const test = evaluateModel(model, options.test, loss, options.evalBatchSize ?? 256);
    lastTestAccuracy = test.accuracy;
    lastTestLoss = test.loss;
    saveCheckpoint(epoch, 0);
    log(`restored the parameters of epoch ${best.epoch} (best validation ${classifying ? `accuracy ${(100 * best.score).toFixed(2)}%` : `loss ${(-best.score).toFixed(4)}`}): test accuracy ${(100 * test.accuracy).toFixed(2)}%`);
  }
  const result = summary(false);
  writeFileSync(join(runDir, 'summary.json'), JSON.stringify(result, null, 2) + '\n');
  return result;

  function summary(interrupted: boolean): TrainingSummary {
    return {
      epochs: epoch,
      iterations: iteration,
      finalTestAccuracy: lastTestAccuracy,
      finalTestLoss: lastTestLoss,
      bestTestScore: best.score,
      bestEpoch: best.epoch,
      seconds: elapsed(),
      stoppedEarly,
      interrupted,
      ...(restoredEpoch !== undefined && { restoredEpoch }),
    };
  }
}

const freshTotals = (): RunningTotals => ({ updates: 0, lossSum: 0, correct: 0, seen: 0, nfeForward: 0, nfeBackward: 0, rollbacks: 0 });

type StepOutcome =
  | { ok: true; loss: number; correct: number; nfeForward: number; nfeBackward: number }
  | { ok: false; reason: string };

/**
 * Scratch for augmented mini-batches, allocated once: `prepare` copies the batch's rows out of the dataset
 * (which stays untouched), transforms the copy and returns it with the rows 0..B−1 that address it.
 */
function augmentationBuffers(transform: BatchTransform, inputDim: number, batchSize: number) {
  const batch = new Float64Array(batchSize * inputDim);
  const identity = Int32Array.from({ length: batchSize }, (_, i) => i);
  return {
    prepare(data: Dataset, rows: Int32Array, rng: Rng): { features: Float64Array; rows: Int32Array } {
      const B = rows.length;
      for (let b = 0; b < B; b++) batch.set(data.inputs.subarray(rows[b] * inputDim, (rows[b] + 1) * inputDim), b * inputDim);
      transform.apply(batch, B, rng);
      return { features: batch, rows: identity.subarray(0, B) };
    },
  };
}

function trainStep(
  options: ModelTrainerOptions,
  model: TrainableModel,
  rows: Int32Array,
  grads: Float64Array[],
  lr: number,
  augmented?: { readonly features: Float64Array; readonly rows: Int32Array },
): StepOutcome {
  const { train: data, loss } = options;
  const B = rows.length;
  const K = model.outputWidth;
  const targets = loss.meta.targets === 'class-index' ? Float64Array.from(rows, (r) => data.targets[r]) : gatherTargets(data, rows, K);
  let correct = 0;
  try {
    const result = model.gradient(augmented?.features ?? data.inputs, data.inputDim, augmented?.rows ?? rows, (outputs, gradOutputs) => {
      const value = loss.evaluate(outputs, B, K, targets, gradOutputs);
      if (loss.meta.targets === 'class-index') correct = Math.round(accuracy(outputs, B, K, targets) * B);
      return value;
    }, grads);
    if (!grads.every((g) => g.every(Number.isFinite))) return { ok: false, reason: 'non-finite gradient' };
    if (options.clip?.maxNorm !== undefined) clipGradNorm(grads, options.clip.maxNorm);
    if (options.clip?.value !== undefined) clipGradValue(grads, options.clip.value);
    options.optimizer.step(model.params, grads, lr, model.masks);
    return { ok: true, loss: result.loss, correct, nfeForward: result.nfeForward, nfeBackward: result.nfeBackward };
  } catch (err) {
    if (err instanceof KirchhoffError) return { ok: false, reason: `${err.code}: ${err.message}` };
    throw err;
  }
}

export { evaluate, evaluateModel } from './evaluate';
