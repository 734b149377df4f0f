import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { encodeInputs, KirchhoffError, ValidationError, type Model, type SolverSetup } from '@kirchhoff/core';
import { buildSimulation } from '../config/build';
import { decodeCircuitText } from '../config/decode';
import { parseSource } from '../config/source';
import { buildTraining } from '../config/train-build';
import { decodeTrainText, isTrainingConfig, trainingPlugins } from '../config/train-decode';
import { loadCheckpointParams, orThrow, RUN_FILES } from '../config/train-run-dir';
import { createContainer, createTrainingContainer } from '../engine';
import type { CliIo } from '../io';
import { CliError, issueIn } from '../issues';
import type { NodeRole } from '../plot';
import { pluginsFor } from '../plugins';
import { stem } from './plot-common';

/* Models to draw and simulate for `plot trajectory` and `plot circuit`: circuit files, training configs and run dirs. */

export interface SourceOptions {
  readonly plugin?: readonly string[];
}

/** A model from a circuit file or a training run, with what plots say about it. */
export interface ModelSource {
  readonly kind: 'circuit file' | 'training config' | 'run';
  readonly name: string;
  readonly description?: string;
  readonly model: Model;
  readonly setup: SolverSetup;
  readonly solverName: string;
  /** Samples to choose from: the file's input rows, or the split's samples. */
  readonly samples: number;
  /** Initial voltages of one sample (batch 1). */
  input(sample: number): Float64Array;
  /** e.g. `test sample 3 (class 1)`. */
  sampleText(sample: number): string;
  readonly roles?: ReadonlyMap<number, NodeRole>;
  readonly readout?: readonly number[];
  /** Where the parameters come from (runs and training configs). */
  readonly parameters?: string;
}

function rolesOf(inputNodes: readonly number[], readoutNodes: readonly number[]): Map<number, NodeRole> {
  const roles = new Map<number, NodeRole>();
  for (const n of inputNodes) roles.set(n, 'input');
  for (const n of readoutNodes) roles.set(n, roles.get(n) === 'input' ? 'input+readout' : 'readout');
  return roles;
}

/** Core's failures while building or running a model, located at the file. */
export function located<T>(file: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof ValidationError) throw new CliError(err.issues.map((i) => issueIn(file, i.code, i.where ? `${i.where}: ${i.message}` : i.message)));
    if (err instanceof KirchhoffError) throw new CliError([issueIn(file, err.code, err.message)]);
    throw err;
  }
}

/**
 * Reads a circuit file, a training config, or a run dir (its config copy and, when there, its checkpoint's
 * parameters). `maxNodes` refuses larger models before they are built (and their data loaded).
 */
export async function loadModelSource(target: string, options: SourceOptions & { split?: 'test' | 'train' }, io: CliIo, maxNodes?: { limit: number; what: string }): Promise<ModelSource> {
  const absolute = resolve(io.cwd, target);
  if (!existsSync(absolute)) throw new CliError([issueIn(target, 'file-not-found', 'no such file or run dir')]);
  const isRun = statSync(absolute).isDirectory();
  const file = isRun ? join(target, RUN_FILES.config) : target;
  if (isRun && !existsSync(resolve(io.cwd, file))) throw new CliError([issueIn(target, 'missing-run-config', `no ${file}: not a run dir of kirchhoff train`)]);
  const text = await readFile(resolve(io.cwd, file), 'utf8');
  const source = orThrow(parseSource(file, text));
  const tooLarge = (nodes: number) => {
    if (maxNodes && nodes > maxNodes.limit) {
      throw new CliError([issueIn(file, 'circuit-too-large', `${nodes} nodes: ${maxNodes.what} shows at most ${maxNodes.limit} (a drawing of more is a blur of arrows)`)]);
    }
  };

  if (!isRun && !isTrainingConfig(source.value)) {
    const decoded = orThrow(decodeCircuitText(file, text, dirname(absolute)));
    tooLarge(decoded.file.nodes);
    const plugins = await pluginsFor(decoded, options.plugin ?? [], io.cwd);
    const plan = orThrow(buildSimulation(decoded, createContainer(plugins), {}));
    const N = plan.model.numNodes;
    return {
      kind: 'circuit file',
      name: stem(target),
      ...(plan.description !== undefined && { description: plan.description }),
      model: plan.model,
      setup: plan.setup,
      solverName: plan.solver.name,
      samples: plan.batch,
      input: (k) => Float64Array.from({ length: N }, (_, n) => plan.input[n * plan.batch + k]),
      sampleText: (k) => `input row ${k}`,
    };
  }

  const decoded = orThrow(decodeTrainText(file, text, dirname(resolve(io.cwd, file))));
  tooLarge(decoded.config.model.nodes);
  const plugins = await trainingPlugins(decoded, options.plugin ?? [], io.cwd);
  const plan = orThrow(await buildTraining(decoded, createTrainingContainer(plugins), { cwd: io.cwd, ...(isRun && { runDir: absolute }) }));
  let parameters = 'initial parameters (untrained)';
  if (isRun) {
    const checkpoint = join(target, RUN_FILES.checkpoint);
    if (existsSync(resolve(io.cwd, checkpoint))) {
      const saved = loadCheckpointParams(resolve(io.cwd, checkpoint), plan.network, checkpoint);
      parameters = `parameters of ${checkpoint} (epoch ${saved.epoch}, iteration ${saved.iteration})`;
    }
  }
  const split = options.split ?? 'test';
  const data = split === 'train' ? plan.train : plan.test;
  const { network } = plan;
  const classification = plan.dataset.meta.task === 'classification';
  return {
    kind: isRun ? 'run' : 'training config',
    name: isRun ? basename(absolute) : stem(target),
    ...(decoded.config.description !== undefined && { description: decoded.config.description }),
    model: network.model,
    setup: plan.forward,
    solverName: plan.solver.name,
    samples: data.count,
    input: (k) => {
      const input = new Float64Array(network.model.numNodes);
      encodeInputs(network, data.inputs, data.inputDim, [k], input);
      return input;
    },
    sampleText: (k) => `${split} sample ${k}${classification ? ` (class ${data.targets[k]})` : ''}`,
    roles: rolesOf(network.spec.inputNodes, network.spec.readoutNodes),
    readout: network.spec.readoutNodes,
    parameters,
  };
}
