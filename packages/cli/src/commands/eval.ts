import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { evaluate } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { buildTraining, type TrainingPlan } from '../config/train-build';
import { decodeTrainFile, trainingPlugins } from '../config/train-decode';
import { loadCheckpointParams, orThrow, RUN_FILES, shownPath } from '../config/train-run-dir';
import { createTrainingContainer } from '../engine';
import type { CliIo } from '../io';
import { CliError, issueIn } from '../issues';

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
}

export interface EvalReport {
  /** As the user would write it. */
  readonly checkpoint: string;
  readonly epoch: number;
  readonly iteration: number;
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

/** A run dir, or a checkpoint file inside one: the config copy beside it says how to rebuild the network. */
function locate(target: string, cwd: string): { runDir: string; checkpoint: string } {
  const absolute = resolve(cwd, target);
  if (!existsSync(absolute)) throw new CliError([issueIn(target, 'file-not-found', 'no such run dir or checkpoint file')]);
  return statSync(absolute).isDirectory()
    ? { runDir: target, checkpoint: join(target, RUN_FILES.checkpoint) }
    : { runDir: dirname(target), checkpoint: target };
}

function describe(plan: TrainingPlan, report: EvalReport): string {
  const settings = plan.forward.options.controller?.settings ?? plan.forward.options.internalControl;
  const tolerances = settings?.rtol !== undefined ? ` (rtol ${settings.rtol}, atol ${settings.atol})` : '';
  const batchSize = Math.ceil(report.samples / report.batches);
  return [
    `${report.checkpoint}: epoch ${report.epoch}, iteration ${report.iteration}${plan.decoded.config.description ? ` (${plan.decoded.config.description})` : ''}`,
    `  ${report.split} split, ${report.samples} samples: loss ${report.loss.toFixed(6)} (${plan.loss.name})${report.accuracy !== undefined ? `, accuracy ${(100 * report.accuracy).toFixed(2)}%` : ''}`,
    `  solver ${report.solver}${tolerances}: NFE ${report.nfePerBatch.toFixed(1)} per batch of ${batchSize} (${report.batches} batch${report.batches === 1 ? '' : 'es'}), ${report.seconds.toFixed(2)} s`,
  ].join('\n');
}

/**
 * `kirchhoff eval <run-dir-or-checkpoint>`: rebuilds the network from the run dir's config copy, loads
 * the checkpoint's parameters and evaluates them on a split with core's `evaluate`.
 */
export async function evalCommand(target: string, options: EvalOptions, io: CliIo): Promise<EvalReport> {
  const { runDir, checkpoint } = locate(target, io.cwd);
  const configPath = join(runDir, RUN_FILES.config);
  if (!existsSync(resolve(io.cwd, configPath))) throw new CliError([issueIn(runDir, 'missing-run-config', `no ${configPath}: not a run dir of kirchhoff train`)]);
  const decoded = orThrow(await decodeTrainFile(configPath, io.cwd));
  const plugins = await trainingPlugins(decoded, options.plugin ?? [], io.cwd);
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
  const saved = loadCheckpointParams(resolve(io.cwd, checkpoint), plan.network, checkpoint);

  const split = options.split ?? 'test';
  const data = split === 'train' ? plan.train : plan.test;
  const batchSize = options.batchSize ?? plan.evalBatchSize;
  const started = performance.now();
  const result = evaluate(plan.network, data, plan.loss, plan.forward, batchSize);
  const batches = Math.ceil(data.count / batchSize);
  const report: EvalReport = {
    checkpoint: shownPath(io.cwd, resolve(io.cwd, checkpoint)),
    epoch: saved.epoch,
    iteration: saved.iteration,
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
