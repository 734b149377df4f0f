import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { TrainingCheckpoint } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { decodeAnyTrainFile, trainingPlugins } from '../config/train-decode';
import { buildFeedForwardTraining, type FeedForwardPlan } from '../config/train-kan';
import { loadCheckpointParams, orThrow, RUN_FILES } from '../config/train-run-dir';
import { isFeedForwardConfig } from '../config/train-schema';
import { createTrainingContainer } from '../engine';
import type { CliIo } from '../io';
import { CliError, issueIn } from '../issues';

export interface KanRun {
  readonly plan: FeedForwardPlan;
  readonly runDir: string;
  /** As given or derived (relative to the working directory). */
  readonly checkpointPath: string;
  readonly checkpoint: TrainingCheckpoint;
}

/** A KAN or MLP run dir (or a checkpoint inside one), rebuilt from its config copy with the checkpoint's parameters. */
/** Whether `target` (a run dir or a checkpoint inside one) was trained with model.kind kan or mlp. */
export async function feedForwardRun(target: string, io: CliIo): Promise<boolean> {
  const absolute = resolve(io.cwd, target);
  if (!existsSync(absolute)) return false;
  const runDir = statSync(absolute).isDirectory() ? target : dirname(target);
  const configPath = join(runDir, RUN_FILES.config);
  if (!existsSync(resolve(io.cwd, configPath))) return false;
  const decoded = await decodeAnyTrainFile(configPath, io.cwd);
  return E.isRight(decoded) && isFeedForwardConfig(decoded.right.config);
}

export async function loadKanRun(target: string, io: CliIo, pluginPaths: readonly string[] = []): Promise<KanRun> {
  const absolute = resolve(io.cwd, target);
  if (!existsSync(absolute)) throw new CliError([issueIn(target, 'file-not-found', 'no such run dir or checkpoint file')]);
  const isDir = statSync(absolute).isDirectory();
  const runDir = isDir ? target : dirname(target);
  const checkpointPath = isDir ? join(target, RUN_FILES.checkpoint) : target;
  const configPath = join(runDir, RUN_FILES.config);
  if (!existsSync(resolve(io.cwd, configPath))) throw new CliError([issueIn(runDir, 'missing-run-config', `no ${configPath}: not a run dir of kirchhoff train`)]);
  const decoded = orThrow(await decodeAnyTrainFile(configPath, io.cwd));
  const config = decoded.config;
  if (!isFeedForwardConfig(config)) {
    throw new CliError([issueIn(configPath, 'not-a-kan', 'this run trained a KirchhoffNet; kirchhoff kan works on runs with model.kind kan (or mlp)')]);
  }
  const plugins = await trainingPlugins(decoded, pluginPaths, io.cwd);
  const built = await buildFeedForwardTraining({ ...decoded, config }, createTrainingContainer(plugins), { cwd: io.cwd, runDir: resolve(io.cwd, runDir) });
  if (E.isLeft(built)) throw new CliError(built.left);
  const checkpoint = loadCheckpointParams(resolve(io.cwd, checkpointPath), built.right.model, checkpointPath);
  return { plan: built.right, runDir, checkpointPath, checkpoint };
}
