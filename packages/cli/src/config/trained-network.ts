import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Dataset } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { createTrainingContainer } from '../engine';
import type { CliIo } from '../io';
import { CliError, issueIn } from '../issues';
import { readBinary, type BinaryFormat } from './binary';
import { buildTraining, type TrainingPlan } from './train-build';
import { decodeTrainFile, trainingPlugins } from './train-decode';
import { loadCheckpointParams, orThrow, RUN_FILES, shownPath } from './train-run-dir';

/*
 * A trained network as `kirchhoff eval` finds it: a run dir of `kirchhoff train` (or a checkpoint in
 * one) with the config copy beside it, or a training config with the original's raw weight files, one per
 * slice. The same rules and messages as eval's, for commands that evaluate a trained network in other ways.
 */

export interface TrainedNetworkOptions {
  readonly plugin?: readonly string[];
  /** Raw parameter files, one per slice (the target is then a training config). */
  readonly weights?: readonly string[];
  readonly weightsFormat?: BinaryFormat;
  /** The original's topology file (int32: sources, then destinations), checked against every slice. */
  readonly topologyFile?: string;
}

export interface TrainedNetwork {
  readonly plan: TrainingPlan;
  /** Where the parameters came from, as the user would write it: the checkpoint, or the weight files. */
  readonly parameters: string;
  readonly epoch?: number;
  readonly iteration?: number;
  /** The run dir's name, or the config's file name without extension. */
  readonly name: string;
}

/** A run dir, or a checkpoint file inside one: the config copy beside it says how to rebuild the network. */
function locate(target: string, cwd: string): { runDir: string; checkpoint: string } {
  const absolute = resolve(cwd, target);
  if (!existsSync(absolute)) throw new CliError([issueIn(target, 'file-not-found', 'no such run dir or checkpoint file')]);
  return statSync(absolute).isDirectory()
    ? { runDir: target, checkpoint: join(target, RUN_FILES.checkpoint) }
    : { runDir: dirname(target), checkpoint: target };
}

/** Where a trained target's config and parameters are, checked to exist (eval's rules and messages). */
export interface TrainedTarget {
  /** Parameters from raw weight files: the target is then the training config itself. */
  readonly fromFiles: boolean;
  readonly runDir: string;
  /** The checkpoint file, or the target when fromFiles. */
  readonly checkpoint: string;
  readonly configPath: string;
}

export function locateTrainedTarget(target: string, weights: readonly string[] | undefined, cwd: string): TrainedTarget {
  const fromFiles = weights !== undefined && weights.length > 0;
  if (!fromFiles && /\.ya?ml$/i.test(target)) {
    throw new CliError([issueIn(target, 'no-parameters', 'a training config holds no trained parameters: pass a run dir or checkpoint, or --weights with one parameter file per slice')]);
  }
  const { runDir, checkpoint } = fromFiles ? { runDir: dirname(target), checkpoint: target } : locate(target, cwd);
  const configPath = fromFiles ? target : join(runDir, RUN_FILES.config);
  if (fromFiles && !existsSync(resolve(cwd, configPath))) throw new CliError([issueIn(target, 'file-not-found', 'no such training config')]);
  if (!fromFiles && !existsSync(resolve(cwd, configPath))) throw new CliError([issueIn(runDir, 'missing-run-config', `no ${configPath}: not a run dir of kirchhoff train`)]);
  return { fromFiles, runDir, checkpoint, configPath };
}

/** Rebuilds the network of `target` and loads its trained parameters. */
export async function loadTrainedNetwork(target: string, options: TrainedNetworkOptions, io: CliIo): Promise<TrainedNetwork> {
  const { fromFiles, runDir, checkpoint, configPath } = locateTrainedTarget(target, options.weights, io.cwd);
  const decoded = orThrow(await decodeTrainFile(configPath, io.cwd));
  const plugins = await trainingPlugins(decoded, options.plugin ?? [], io.cwd);
  const built = await buildTraining(decoded, createTrainingContainer(plugins), { cwd: io.cwd, runDir: resolve(io.cwd, runDir) });
  if (E.isLeft(built)) throw new CliError(built.left);
  const plan = built.right;
  if (fromFiles) {
    if (options.topologyFile !== undefined) checkTopologyFile(options.topologyFile, plan, io.cwd);
    loadWeightFiles(options.weights ?? [], options.weightsFormat ?? 'float32-le', plan, io.cwd);
    return { plan, parameters: (options.weights ?? []).join(','), name: basename(target, extname(target)) };
  }
  const saved = loadCheckpointParams(resolve(io.cwd, checkpoint), plan.network, checkpoint);
  return {
    plan,
    parameters: shownPath(io.cwd, resolve(io.cwd, checkpoint)),
    epoch: saved.epoch,
    iteration: saved.iteration,
    name: basename(resolve(io.cwd, runDir)),
  };
}

/** Reads one raw parameter file per slice into the network (every group of a slice, in order, P×E each). */
export function loadWeightFiles(files: readonly string[], format: BinaryFormat, plan: TrainingPlan, cwd: string): void {
  const slices = plan.network.model.slices;
  if (files.length !== slices.length) {
    throw new CliError([issueIn(files.join(','), 'weights-count', `the model has ${slices.length} slice${slices.length === 1 ? '' : 's'}: give one parameter file per slice, got ${files.length}`)]);
  }
  files.forEach((file, k) => {
    const values = readBinary(file, cwd, format);
    if (E.isLeft(values)) throw new CliError([issueIn(file, values.left.code, values.left.message)]);
    const groups = slices[k].circuit.groups;
    const expected = groups.reduce((n, g) => n + g.params.length, 0);
    if (values.right.length !== expected) {
      const shape = groups.map((g) => `${g.params.length / g.size} × ${g.size} (${g.type.definition.name})`).join(' + ');
      throw new CliError([issueIn(file, 'weights-size', `slice ${k} needs ${shape} = ${expected} ${format} values, the file holds ${values.right.length}`)]);
    }
    const bad = values.right.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new CliError([issueIn(file, 'nonfinite-param', `value ${bad} is ${values.right[bad]}`)]);
    let offset = 0;
    for (const g of groups) {
      g.params.set(values.right.subarray(offset, offset + g.params.length));
      offset += g.params.length;
    }
  });
}

/** The original's topology file (int32: E sources then E destinations) must be every slice's edge list. */
export function checkTopologyFile(file: string, plan: TrainingPlan, cwd: string): void {
  const values = readBinary(file, cwd, 'int32-le');
  if (E.isLeft(values)) throw new CliError([issueIn(file, values.left.code, values.left.message)]);
  const edges = values.right;
  plan.network.model.slices.forEach((slice, k) => {
    const src = slice.circuit.groups.flatMap((g) => Array.from(g.src));
    const dst = slice.circuit.groups.flatMap((g) => Array.from(g.dst));
    if (edges.length !== 2 * src.length) {
      throw new CliError([issueIn(file, 'topology-size', `slice ${k} has ${src.length} edges (2 × ${src.length} int32 values expected), the file holds ${edges.length} values`)]);
    }
    const e = src.findIndex((s, i) => s !== edges[i] || dst[i] !== edges[src.length + i]);
    if (e >= 0) {
      throw new CliError([
        issueIn(file, 'topology-mismatch', `edge ${e} of slice ${k} is ${src[e]}→${dst[e]} in the config's topology but ${edges[e]}→${edges[src.length + e]} in the file`),
      ]);
    }
  });
}

/** The first n samples of a split (all of it when n is undefined or not smaller). */
export function firstSamples(data: Dataset, n: number | undefined): Dataset {
  if (n === undefined || n >= data.count) return data;
  const width = data.targets.length / data.count;
  return { ...data, count: n, inputs: data.inputs.subarray(0, n * data.inputDim), targets: data.targets.subarray(0, n * width) };
}
