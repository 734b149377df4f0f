import { resolve } from 'node:path';
import { evaluate, evaluateModel } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { buildTraining, type TrainingPlan } from '../config/train-build';
import { decodeAnyTrainFile, trainingPlugins, type DecodedTrainConfig } from '../config/train-decode';
import { buildFeedForwardTraining, type FeedForwardPlan } from '../config/train-kan';
import { isFeedForwardConfig, type TrainConfig } from '../config/train-schema';
import { loadCheckpointParams, orThrow, shownPath } from '../config/train-run-dir';
import { createTrainingContainer } from '../engine';
import type { CliIo } from '../io';
import { CliError, issueIn } from '../issues';
import type { BinaryFormat } from '../config/binary';
import { checkTopologyFile, firstSamples, loadWeightFiles, locateTrainedTarget } from '../config/trained-network';

export interface EvalOptions {
  readonly split?: 'test' | 'train';
  /** Replaces the run's solver block unless it names the same solver. */
  readonly solver?: string;
  readonly rtol?: number;
  readonly atol?: number;
  readonly dt0?: number;
  /** Default: the run's evalBatchSize, so that an adaptive solver takes the steps it took in training. */
  readonly batchSize?: number;
  readonly json?: boolean;
  readonly plugin?: readonly string[];
  /**
   * Parameters from raw files instead of a checkpoint, one per slice (the original's released
   * `*_params_float32_2xE.bin`: P rows of E little-endian values); the target is then a training config.
   */
  readonly weights?: readonly string[];
  readonly weightsFormat?: BinaryFormat;
  /** The original's topology file (int32, src row then dst row): checked against every slice's generated edges. */
  readonly topologyFile?: string;
  /** Evaluate only the first n samples of the split. */
  readonly limit?: number;
}

export interface EvalReport {
  /** As the user would write it: the checkpoint, or the weight files joined by commas. */
  readonly checkpoint: string;
  /** Undefined for weights from files. */
  readonly epoch?: number;
  readonly iteration?: number;
  readonly split: 'test' | 'train';
  readonly samples: number;
  readonly loss: number;
  /** Fraction correct; undefined for regression. */
  readonly accuracy?: number;
  readonly solver: string;
  /** Right-hand-side evaluations per batch of the forward solves, summed over slices. */
  readonly nfePerBatch: number;
  readonly batches: number;
  readonly seconds: number;
}

function describe(plan: TrainingPlan, report: EvalReport): string {
  const settings = plan.forward.options.controller?.settings ?? plan.forward.options.internalControl;
  const tolerances = settings?.rtol !== undefined ? ` (rtol ${settings.rtol}, atol ${settings.atol})` : '';
  const batchSize = Math.ceil(report.samples / report.batches);
  return [
    `${report.checkpoint}: ${report.epoch === undefined ? 'weights from files' : `epoch ${report.epoch}, iteration ${report.iteration}`}${plan.decoded.config.description ? ` (${plan.decoded.config.description})` : ''}`,
    `  ${report.split} split, ${report.samples} samples: loss ${report.loss.toFixed(6)} (${plan.loss.name})${report.accuracy !== undefined ? `, accuracy ${(100 * report.accuracy).toFixed(2)}%` : ''}`,
    `  solver ${report.solver}${tolerances}: NFE ${report.nfePerBatch.toFixed(1)} per batch of ${batchSize} (${report.batches} batch${report.batches === 1 ? '' : 'es'}), ${report.seconds.toFixed(2)} s`,
  ].join('\n');
}

/**
 * `kirchhoff eval <run-dir-or-checkpoint>`: rebuilds the network from the run dir's config copy, loads
 * the checkpoint's parameters and evaluates them on a split with core's `evaluate`.
 */
export async function evalCommand(target: string, options: EvalOptions, io: CliIo): Promise<EvalReport> {
  const { fromFiles, runDir, checkpoint, configPath } = locateTrainedTarget(target, options.weights, io.cwd);
  const decodedAny = orThrow(await decodeAnyTrainFile(configPath, io.cwd));
  const plugins = await trainingPlugins(decodedAny, options.plugin ?? [], io.cwd);
  if (isFeedForwardConfig(decodedAny.config)) {
    if (fromFiles) throw new CliError([issueIn(target, 'no-parameters', '--weights reads KirchhoffNet slice files; a KAN or MLP run is evaluated from its run dir or checkpoint')]);
    const built = await buildFeedForwardTraining({ ...decodedAny, config: decodedAny.config }, createTrainingContainer(plugins), { cwd: io.cwd, runDir: resolve(io.cwd, runDir) });
    if (E.isLeft(built)) throw new CliError(built.left);
    return evalFeedForward(built.right, checkpoint, options, io);
  }
  const decoded = decodedAny as DecodedTrainConfig<TrainConfig>;
  const overrides = {
    cwd: io.cwd,
    runDir: resolve(io.cwd, runDir),
    ...(options.solver !== undefined && { solver: options.solver }),
    ...(options.rtol !== undefined && { rtol: options.rtol }),
    ...(options.atol !== undefined && { atol: options.atol }),
    ...(options.dt0 !== undefined && { dt0: options.dt0 }),
  };
  const built = await buildTraining(decoded, createTrainingContainer(plugins), overrides);
  if (E.isLeft(built)) throw new CliError(built.left);
  const plan = built.right;
  const saved = fromFiles ? undefined : loadCheckpointParams(resolve(io.cwd, checkpoint), plan.network, checkpoint);
  if (fromFiles) {
    if (options.topologyFile !== undefined) checkTopologyFile(options.topologyFile, plan, io.cwd);
    loadWeightFiles(options.weights ?? [], options.weightsFormat ?? 'float32-le', plan, io.cwd);
  }

  const split = options.split ?? 'test';
  const whole = split === 'train' ? plan.train : plan.test;
  const data = options.limit !== undefined && options.limit < whole.count ? firstSamples(whole, options.limit) : whole;
  const batchSize = options.batchSize ?? plan.evalBatchSize;
  const started = performance.now();
  const result = evaluate(plan.network, data, plan.loss, plan.forward, batchSize);
  const batches = Math.ceil(data.count / batchSize);
  const report: EvalReport = {
    checkpoint: fromFiles ? (options.weights ?? []).join(',') : shownPath(io.cwd, resolve(io.cwd, checkpoint)),
    ...(saved && { epoch: saved.epoch, iteration: saved.iteration }),
    split,
    samples: data.count,
    loss: result.loss,
    ...(plan.loss.meta.targets === 'class-index' && { accuracy: result.accuracy }),
    solver: plan.solver.name,
    nfePerBatch: result.nfe / batches,
    batches,
    seconds: (performance.now() - started) / 1000,
  };
  io.out(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${describe(plan, report)}\n`);
  return report;
}

/** `eval` of a KAN or MLP run: its checkpoint's parameters on a split, in evaluation mode (BatchNorm's running statistics). */
export function evalFeedForward(plan: FeedForwardPlan, checkpoint: string, options: EvalOptions, io: CliIo): EvalReport {
  const saved = loadCheckpointParams(resolve(io.cwd, checkpoint), plan.model, checkpoint);
  const split = options.split ?? 'test';
  const whole = split === 'train' ? plan.train : plan.test;
  const data = options.limit !== undefined && options.limit < whole.count ? firstSamples(whole, options.limit) : whole;
  const batchSize = options.batchSize ?? plan.evalBatchSize;
  const started = performance.now();
  const result = evaluateModel(plan.model, data, plan.loss, batchSize);
  const report: EvalReport = {
    checkpoint: shownPath(io.cwd, resolve(io.cwd, checkpoint)),
    epoch: saved.epoch,
    iteration: saved.iteration,
    split,
    samples: data.count,
    loss: result.loss,
    ...(plan.loss.meta.targets === 'class-index' && { accuracy: result.accuracy }),
    solver: 'none',
    nfePerBatch: 0,
    batches: Math.ceil(data.count / batchSize),
    seconds: (performance.now() - started) / 1000,
  };
  const text = [
    `${report.checkpoint}: epoch ${report.epoch}, iteration ${report.iteration}${plan.decoded.config.description ? ` (${plan.decoded.config.description})` : ''}`,
    `  ${split} split, ${report.samples} samples: loss ${report.loss.toFixed(6)} (${plan.loss.name})${report.accuracy !== undefined ? `, accuracy ${(100 * report.accuracy).toFixed(2)}%` : ''}`,
    `  ${plan.kind} [${plan.model.spec.widths.join(', ')}], ${plan.model.parameterCount} parameters, ${report.seconds.toFixed(2)} s`,
  ].join('\n');
  io.out(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${text}\n`);
  return report;
}
