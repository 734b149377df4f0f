import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { encodeInputs, type FunctionTable, type Model, type SolverSetup } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import type { DependencyContainer } from 'tsyringe';
import { readBinary, type BinaryFormat } from '../config/binary';
import { buildSimulation } from '../config/build';
import { decodeCircuitText } from '../config/decode';
import { parseSource } from '../config/source';
import { buildTraining } from '../config/train-build';
import { decodeTrainFile, decodeTrainText, isTrainingConfig, readConfigText, trainingPlugins } from '../config/train-decode';
import { loadCheckpointParams, orThrow, RUN_FILES, shownPath } from '../config/train-run-dir';
import { branchCatalog, createTrainingContainer, resolveSolver, solverRegistries } from '../engine';
import type { CliIo } from '../io';
import { CliError, issueIn } from '../issues';
import { pluginsFor } from '../plugins';

/** What `export spice` and `cosim` take: a run dir, a checkpoint in one, a training config or a circuit file. */
export interface SpiceTargetOptions {
  /** Which sample: a row of the dataset split (runs, training configs) or of the file's `input` (circuit files). Default 0. */
  readonly input?: number;
  readonly split?: 'test' | 'train';
  /** Readout nodes; default the network's readout (runs, configs) or every node (circuit files). */
  readonly readout?: readonly number[];
  readonly plugin?: readonly string[];
  /** With a training config: parameters from raw files, one per slice (as `kirchhoff eval --weights`). */
  readonly weights?: readonly string[];
  readonly weightsFormat?: 'float32-le' | 'float64-le';
}

export interface SpiceTarget {
  readonly kind: 'run' | 'training config' | 'training config with weights from files' | 'circuit file';
  /** As the user wrote it (a run's checkpoint path for runs). */
  readonly shown: string;
  readonly description?: string;
  readonly model: Model;
  /** Initial voltages of nodes 1..N for the chosen sample. */
  readonly input: Float64Array;
  /** e.g. `test sample 0 (class 1)`. */
  readonly sample: string;
  readonly readoutNodes: readonly number[];
  readonly functions: FunctionTable;
  readonly container: DependencyContainer;
}

/** Default solver of Kirchhoff's side: tight, so that the comparison measures ngspice. */
export const KIRCHHOFF_TOLERANCE = 1e-10;

export function tightSolver(target: SpiceTarget, tolerance = KIRCHHOFF_TOLERANCE): SolverSetup {
  return orThrow(E.chain((registries: Parameters<typeof resolveSolver>[1]) => resolveSolver({ name: 'dopri5', rtol: tolerance, atol: tolerance }, registries))(solverRegistries(target.container)));
}

/** One raw P×E file per slice (every group of the slice in order), as `kirchhoff eval --weights` reads them. */
function loadWeights(files: readonly string[], format: BinaryFormat, model: Model, cwd: string): void {
  if (files.length !== model.slices.length) {
    throw new CliError([{ ...issueIn(files.join(','), 'weights-count', `the model has ${model.slices.length} slice(s): give one parameter file per slice, got ${files.length}`), where: '--weights' }]);
  }
  files.forEach((file, k) => {
    const values = readBinary(file, cwd, format);
    if (E.isLeft(values)) throw new CliError([issueIn(file, values.left.code, values.left.message)]);
    const groups = model.slices[k].circuit.groups;
    const expected = groups.reduce((n, g) => n + g.params.length, 0);
    if (values.right.length !== expected) throw new CliError([issueIn(file, 'weights-size', `slice ${k + 1} needs ${expected} ${format} values, the file holds ${values.right.length}`)]);
    let offset = 0;
    for (const g of groups) {
      g.params.set(values.right.subarray(offset, offset + g.params.length));
      offset += g.params.length;
    }
  });
}

function checkReadout(shown: string, nodes: readonly number[], N: number): void {
  const bad = nodes.filter((n) => !Number.isInteger(n) || n < 1 || n > N);
  if (bad.length) throw new CliError([{ ...issueIn(shown, 'node-out-of-range', `readout node ${bad[0]} is not one of 1..${N}`), where: '--readout' }]);
}

function pickSample(shown: string, index: number, count: number, what: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new CliError([{ ...issueIn(shown, 'input-out-of-range', `--input ${index}: the ${what} has samples 0..${count - 1}`), where: '--input' }]);
  }
}

async function fromTraining(configPath: string, checkpoint: string | undefined, shown: string, options: SpiceTargetOptions, io: CliIo): Promise<SpiceTarget> {
  const decoded = orThrow(await decodeTrainFile(configPath, io.cwd));
  const container = createTrainingContainer(await trainingPlugins(decoded, options.plugin ?? [], io.cwd));
  const plan = orThrow(await buildTraining(decoded, container, { cwd: io.cwd, ...(checkpoint !== undefined && { runDir: resolve(io.cwd, dirname(checkpoint)) }) }));
  if (checkpoint !== undefined) loadCheckpointParams(resolve(io.cwd, checkpoint), plan.network, checkpoint);
  else if (options.weights?.length) loadWeights(options.weights, options.weightsFormat ?? 'float32-le', plan.network.model, io.cwd);
  const split = options.split ?? 'test';
  const data = split === 'train' ? plan.train : plan.test;
  const index = options.input ?? 0;
  pickSample(shown, index, data.count, `${split} split`);
  const N = plan.network.model.numNodes;
  const input = new Float64Array(N);
  encodeInputs(plan.network, data.inputs, data.inputDim, [index], input);
  const label = plan.loss.meta.targets === 'class-index' ? ` (class ${data.targets[index]})` : '';
  const readoutNodes = options.readout ?? plan.network.spec.readoutNodes;
  checkReadout(shown, readoutNodes, N);
  return {
    kind: checkpoint !== undefined ? 'run' : options.weights?.length ? 'training config with weights from files' : 'training config',
    shown,
    ...(plan.decoded.config.description !== undefined && { description: plan.decoded.config.description }),
    model: plan.network.model,
    input,
    sample: `${split} sample ${index}${label}`,
    readoutNodes,
    functions: orThrow(branchCatalog(container)).functions,
    container,
  };
}

async function fromCircuitFile(file: string, text: string, options: SpiceTargetOptions, io: CliIo): Promise<SpiceTarget> {
  const decoded = orThrow(decodeCircuitText(file, text, dirname(resolve(io.cwd, file))));
  const container = createTrainingContainer(await pluginsFor(decoded, options.plugin ?? [], io.cwd));
  const plan = orThrow(buildSimulation(decoded, container));
  const index = options.input ?? 0;
  pickSample(file, index, plan.batch, "file's input");
  const N = plan.model.numNodes;
  const input = Float64Array.from({ length: N }, (_, n) => plan.input[n * plan.batch + index]);
  const readoutNodes = options.readout ?? Array.from({ length: N }, (_, n) => n + 1);
  checkReadout(file, readoutNodes, N);
  return {
    kind: 'circuit file',
    shown: file,
    ...(plan.description !== undefined && { description: plan.description }),
    model: plan.model,
    input,
    sample: `input ${index}`,
    readoutNodes,
    functions: orThrow(branchCatalog(container)).functions,
    container,
  };
}

/**
 * Loads a target: a directory is a run dir (its config copy and checkpoint); a file beside a run's
 * config copy that is not YAML is that run's checkpoint; otherwise a training config (its initial
 * parameters) or a circuit file, told apart by their sections.
 */
export async function loadSpiceTarget(target: string, options: SpiceTargetOptions, io: CliIo): Promise<SpiceTarget> {
  const absolute = resolve(io.cwd, target);
  if (!existsSync(absolute)) throw new CliError([issueIn(target, 'file-not-found', 'no such run dir, checkpoint, training config or circuit file')]);
  if (statSync(absolute).isDirectory()) {
    const config = join(target, RUN_FILES.config);
    if (!existsSync(resolve(io.cwd, config))) throw new CliError([issueIn(target, 'missing-run-config', `no ${config}: not a run dir of kirchhoff train`)]);
    const checkpoint = join(target, RUN_FILES.checkpoint);
    return fromTraining(config, checkpoint, shownPath(io.cwd, resolve(io.cwd, checkpoint)), options, io);
  }
  const runConfig = join(dirname(target), RUN_FILES.config);
  if (!/\.ya?ml$/i.test(target) && existsSync(resolve(io.cwd, runConfig))) return fromTraining(runConfig, target, target, options, io);
  const text = orThrow(await readConfigText(target, io.cwd));
  const source = orThrow(parseSource(target, text));
  if (isTrainingConfig(source.value)) {
    orThrow(decodeTrainText(target, text, dirname(absolute)));
    return fromTraining(target, undefined, target, options, io);
  }
  return fromCircuitFile(target, text, options, io);
}
