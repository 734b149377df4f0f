import { basename, extname, resolve } from 'node:path';
import {
  isReversible,
  Rng,
  KirchhoffError,
  resolveOptions,
  type AdjointMethod,
  type BranchCatalog,
  type Augmentation,
  type BatchTransform,
  type Dataset,
  type DatasetPlugin,
  type Issue,
  type Loss,
  type LrFunction,
  type LrSchedule,
  type Named,
  type Network,
  type Optimizer,
  type OptimizerInstance,
  type Registry,
  type SolverConfig,
  type SolverSetup,
  type TrainerSettings,
} from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import type { DependencyContainer } from 'tsyringe';
import { branchCatalog, resolveSolver, trainingRegistries, type TrainingRegistries } from '../engine';
import { byPosition, issueIn, parsePath, uniqueIssues, type FieldPath, type FileIssue } from '../issues';
import { compileInlineTypes, registerInlineTypes } from './inline-types';
import { issueAt, type SourceFile } from './source';
import type { DecodedTrainConfig } from './train-decode';
import type { AnyTrainConfig } from './train-schema';

type AnyDecoded = DecodedTrainConfig<AnyTrainConfig>;
import { buildTrainingNetwork } from './train-model';

/** Command-line settings that take precedence over the config's. */
export interface TrainOverrides {
  /** Resolves the default run dir. */
  readonly cwd: string;
  readonly epochs?: number;
  /** Absolute. */
  readonly runDir?: string;
  /** Replaces the config's whole solver block unless it names the same solver. */
  readonly solver?: string;
  readonly rtol?: number;
  readonly atol?: number;
  readonly dt0?: number;
  readonly adjoint?: string;
}

/**
 * The trainer settings a training config fixes, shared by KirchhoffNet and feed-forward plans; resuming,
 * progress and logging come from the command line. `runDir` is absolute; `seed` seeds the shuffling
 * (initialisation uses the top-level seed).
 */
export type ConfiguredTrainerSettings = Omit<TrainerSettings, 'evalBatchSize' | 'resume' | 'stopAfterIterations' | 'onProgress' | 'log'> & {
  readonly evalBatchSize: number;
};

/** Everything core's `train` needs, built and checked. */
export interface TrainingPlan extends ConfiguredTrainerSettings {
  readonly decoded: DecodedTrainConfig;
  readonly network: Network;
  readonly dataset: DatasetPlugin;
  readonly solver: SolverConfig;
  readonly forward: SolverSetup;
  readonly backward: SolverSetup;
  readonly method: AdjointMethod;
}

/** The evaluation batch size core's trainer uses when the config gives none. */
export const DEFAULT_EVAL_BATCH_SIZE = 256;

/** Where an issue belongs: a field of the file, or a command-line option that replaced it. */
type Place = FieldPath | { readonly option: string };

function place(src: SourceFile, at: Place, issue: Issue, key = false): FileIssue {
  if ('option' in at) return { ...issueIn(src.path, issue.code, issue.message), where: at.option };
  return issueAt(src, at, issue.code, issue.message, key);
}

/** Core's issues name their field in `where` (`optimizer.lr`, `solver.rtol`); unknown keys point at the key. */
const atWhere = (src: SourceFile, issue: Issue): FileIssue => place(src, parsePath(issue.where ?? ''), issue, issue.code === 'unknown-option');

function lookup<T extends Named>(src: SourceFile, registry: Registry<T>, name: string, at: Place): E.Either<FileIssue[], T> {
  try {
    return E.right(registry.byName(name));
  } catch (err) {
    if (err instanceof KirchhoffError) return E.left([place(src, at, { code: err.code, message: err.message })]);
    throw err;
  }
}

function solverConfig(config: SolverConfig | undefined, o: TrainOverrides): SolverConfig {
  const fromFile = config ?? { name: 'dopri5' };
  // Another solver's settings (options, controller, tolerances meant for it) rarely fit the new one.
  const base: SolverConfig = o.solver !== undefined && o.solver !== fromFile.name ? { name: o.solver } : fromFile;
  return { ...base, ...(o.rtol !== undefined && { rtol: o.rtol }), ...(o.atol !== undefined && { atol: o.atol }), ...(o.dt0 !== undefined && { dt0: o.dt0 }) };
}

/** At the option that gave the field; when `--solver` replaced the config's block, everything else is its doing too. */
function solverIssue(src: SourceFile, config: SolverConfig | undefined, o: TrainOverrides, issue: Issue): FileIssue {
  const field = parsePath(issue.where ?? '')[1];
  const fromCli: Readonly<Record<string, unknown>> = { name: o.solver, rtol: o.rtol, atol: o.atol, dt0: o.dt0 };
  if (typeof field === 'string' && fromCli[field] !== undefined) return place(src, { option: `--${field === 'name' ? 'solver' : field}` }, issue);
  const replaced = o.solver !== undefined && o.solver !== (config?.name ?? 'dopri5');
  return replaced ? place(src, { option: '--solver' }, issue) : atWhere(src, issue);
}

interface Solvers {
  readonly solver: SolverConfig;
  readonly forward: SolverSetup;
  readonly backward: SolverSetup;
  readonly method: AdjointMethod;
}

function resolveSolvers(decoded: DecodedTrainConfig, registries: TrainingRegistries, o: TrainOverrides): E.Either<FileIssue[], Solvers> {
  const { src, config } = decoded;
  const solver = solverConfig(config.solver, o);
  const forward = E.mapLeft((found: Issue[]) => found.map((i) => solverIssue(src, config.solver, o, i)))(resolveSolver(solver, registries));
  const backwardConfig = config.adjoint?.solver;
  const backward = backwardConfig ? E.mapLeft((found: Issue[]) => found.map((i) => atWhere(src, i)))(resolveSolver(backwardConfig, registries, 'adjoint.solver')) : forward;
  const methodAt: Place = o.adjoint !== undefined ? { option: '--adjoint' } : ['adjoint', 'method'];
  const method = lookup(src, registries.adjointMethods, o.adjoint ?? config.adjoint?.method ?? 'checkpointed', methodAt);
  const issues = [forward, backward, method].flatMap((r) => (E.isLeft(r) ? r.left : []));
  if (E.isLeft(forward) || E.isLeft(backward) || E.isLeft(method)) return E.left(issues);
  // The two methods' own preconditions, checked here so that they are reported at the config rather
  // than as a rollback at every training step.
  const f = forward.right.solver;
  const conflict =
    method.right.name === 'checkpointed' && f.meta.stepsInternally
      ? { code: 'adjoint-needs-dense-output', message: `the checkpointed adjoint needs the forward solver's dense output; '${f.name}' steps internally and has none` }
      : method.right.name === 'discrete' && !isReversible(f)
        ? { code: 'solver-not-reversible', message: `the discrete adjoint needs a solver that can reverse its steps; '${f.name}' cannot` }
        : undefined;
  if (conflict) return E.left([place(src, methodAt, conflict)]);
  return E.right({ solver, forward: forward.right, backward: backward.right, method: method.right });
}

async function loadData(decoded: AnyDecoded, plugin: DatasetPlugin): Promise<E.Either<FileIssue[], { train: Dataset; test: Dataset; validation?: Dataset }>> {
  const { src, config } = decoded;
  const { data } = config;
  const seed = data.seed ?? config.seed ?? 0;
  const split = async (name: 'train' | 'test') => {
    const loaded = await plugin.load({ split: name, ...(data[name] !== undefined && { n: data[name] }), seed, ...(data.options && { options: data.options }) })();
    const field: Readonly<Record<string, FieldPath>> = { 'invalid-count': ['data', name], 'invalid-seed': ['data', 'seed'], 'unknown-option': ['data', 'options'], 'invalid-option': ['data', 'options'] };
    return E.mapLeft((found: Issue[]) => found.map((i) => issueAt(src, field[i.code] ?? ['data'], i.code, i.message)))(loaded);
  };
  const [train, test] = await Promise.all([split('train'), split('test')]);
  if (E.isLeft(train) || E.isLeft(test)) return E.left([...(E.isLeft(train) ? train.left : []), ...(E.isLeft(test) ? test.left : [])]);
  if (data.validation === undefined) return E.right({ train: train.right, test: test.right });
  return E.right({ ...holdOut(train.right, data.validation, seed), test: test.right });
}

/**
 * Splits off ⌈fraction·count⌉ training samples as a validation set, chosen by a permutation seeded with
 * the data seed (as torch's random_split with a fixed generator, though not its stream); both parts keep
 * the dataset's order.
 */
export function holdOut(data: Dataset, fraction: number, seed: number): { train: Dataset; validation: Dataset } {
  const held = Math.min(data.count - 1, Math.max(1, Math.ceil(fraction * data.count)));
  const order = new Rng(seed).shuffle(Int32Array.from({ length: data.count }, (_, i) => i));
  const isHeld = new Uint8Array(data.count);
  for (let k = 0; k < held; k++) isHeld[order[k]] = 1;
  const width = data.targets.length / data.count;
  const pick = (keep: 0 | 1): Dataset => {
    const rows = Array.from({ length: data.count }, (_, i) => i).filter((i) => isHeld[i] === keep);
    const inputs = new Float64Array(rows.length * data.inputDim);
    const targets = new Float64Array(rows.length * width);
    rows.forEach((r, k) => {
      inputs.set(data.inputs.subarray(r * data.inputDim, (r + 1) * data.inputDim), k * data.inputDim);
      targets.set(data.targets.subarray(r * width, (r + 1) * width), k * width);
    });
    return { ...data, count: rows.length, inputs, targets };
  };
  return { train: pick(0), validation: pick(1) };
}

/** `data.augment` resolved by name and bound to the training samples; option problems at `data.augment.options.<key>`. */
function resolveAugmentation(decoded: AnyDecoded, registries: TrainingRegistries, train: Dataset | undefined): E.Either<FileIssue[], BatchTransform | undefined> {
  const { src, config } = decoded;
  const spec = config.data.augment;
  if (!spec) return E.right(undefined);
  return E.chain((plugin: Augmentation) => {
    // Without the training set (its problem is reported already) there is no shape to bind to.
    if (!train) return E.right(undefined);
    return E.mapLeft((found: Issue[]) => found.map((i) => atWhere(src, i)))(plugin.create(spec.options, train, 'data.augment'));
  })(lookup(src, registries.augmentations, spec.name, ['data', 'augment', 'name']));
}

function resolveLoss(decoded: AnyDecoded, registries: TrainingRegistries, dataset: DatasetPlugin | undefined): E.Either<FileIssue[], Loss | undefined> {
  const { src, config } = decoded;
  if (config.loss !== undefined) return lookup(src, registries.losses, config.loss, ['loss']);
  if (!dataset) return E.right(undefined);
  const byTask: Readonly<Record<string, string>> = { classification: 'cross-entropy', regression: 'mse' };
  const name = byTask[dataset.meta.task];
  if (name === undefined) {
    return E.left([issueAt(src, ['data', 'dataset'], 'unsupported-task', `dataset '${dataset.name}' is for ${dataset.meta.task}, which training does not support`)]);
  }
  return lookup(src, registries.losses, name, ['loss']);
}

/** Options checked against the optimizer's `meta.options` now; the instance needs the network's sizes. */
function optimizerFactory(decoded: AnyDecoded, registries: TrainingRegistries) {
  const { src, config } = decoded;
  const { name, ...options } = config.optimizer;
  return E.chain((optimizer: Optimizer) => {
    const checked = resolveOptions(optimizer.meta.options, options, 'optimizer');
    if (E.isLeft(checked)) return E.left(checked.left.map((i) => atWhere(src, i)));
    const baseLr = (checked.right as { lr?: unknown }).lr;
    return E.right({
      baseLr: typeof baseLr === 'number' ? baseLr : undefined,
      create: (sizes: readonly number[]) => E.mapLeft((found: Issue[]) => found.map((i) => atWhere(src, i)))(optimizer.create(options, sizes, 'optimizer')),
    });
  })(lookup(src, registries.optimizers, name, ['optimizer', 'name']));
}

function schedule(decoded: AnyDecoded, registries: TrainingRegistries, baseLr: number | undefined): E.Either<FileIssue[], LrFunction> {
  const { src, config } = decoded;
  const { name, per: _per, ...options } = config.schedule ?? { name: 'constant' };
  return E.chain((plugin: LrSchedule) => {
    // With the optimizer's rate unknown (already reported), the options are still checked, against a valid stand-in.
    const created = plugin.create(options, baseLr ?? 1e-3, 'schedule');
    return E.mapLeft((found: Issue[]) => found.filter((i) => i.code !== 'invalid-base-lr').map((i) => atWhere(src, i)))(created);
  })(lookup(src, registries.schedules, name, ['schedule', 'name']));
}

function runDirOf(decoded: AnyDecoded, o: TrainOverrides): string {
  if (o.runDir !== undefined) return o.runDir;
  if (decoded.config.runDir !== undefined) return resolve(decoded.baseDir, decoded.config.runDir);
  return resolve(o.cwd, 'runs', basename(decoded.src.path, extname(decoded.src.path)));
}

/** What every model kind shares: the dataset, loss, optimizer factory, schedule and the training settings. */
export interface SharedTraining {
  readonly registries: TrainingRegistries;
  readonly catalog: BranchCatalog;
  /** Inline types that failed (their uses stay silent). */
  readonly failedTypes: ReadonlySet<string>;
  readonly dataset?: DatasetPlugin;
  readonly data?: { readonly train: Dataset; readonly test: Dataset; readonly validation?: Dataset };
  readonly augment?: BatchTransform;
  readonly loss?: Loss;
  readonly optimizer?: { readonly create: (sizes: readonly number[]) => E.Either<FileIssue[], OptimizerInstance> };
  readonly lr?: LrFunction;
  /** Every problem found so far. */
  readonly issues: FileIssue[];
}

export async function buildShared(decoded: AnyDecoded, container: DependencyContainer): Promise<E.Either<FileIssue[], SharedTraining>> {
  const { src, config } = decoded;
  const inline = registerInlineTypes(src, config.branchTypes ?? [], container);
  const catalog = branchCatalog(container);
  const registries = trainingRegistries(container);
  if (E.isLeft(catalog) || E.isLeft(registries)) {
    const found = [...(E.isLeft(catalog) ? catalog.left : []), ...(E.isLeft(registries) ? registries.left : [])];
    return E.left([...inline.issues, ...found.map((i) => issueIn(src.path, i.code, i.message))]);
  }
  const compiled = compileInlineTypes(src, config.branchTypes ?? [], catalog.right, inline.failed);
  const issues: FileIssue[] = [...inline.issues, ...compiled.issues];
  const collect = <T>(result: E.Either<FileIssue[], T>): T | undefined => (E.isLeft(result) ? void issues.push(...result.left) : result.right);
  const dataset = collect(lookup(src, registries.right.datasets, config.data.dataset, ['data', 'dataset']));
  const data = dataset && collect(await loadData(decoded, dataset));
  const augment = collect(resolveAugmentation(decoded, registries.right, data?.train));
  const loss = collect(resolveLoss(decoded, registries.right, dataset));
  const factory = collect(optimizerFactory(decoded, registries.right));
  const lr = collect(schedule(decoded, registries.right, factory?.baseLr));
  return E.right({
    registries: registries.right,
    catalog: catalog.right,
    failedTypes: new Set([...inline.failed, ...compiled.failed]),
    ...(dataset && { dataset }),
    ...(data && { data }),
    ...(augment && { augment }),
    ...(loss && { loss }),
    ...(factory && { optimizer: factory }),
    ...(lr && { lr }),
    issues,
  });
}

/** The training settings of the config, with the command line's overrides. */
export function trainingSettings(decoded: AnyDecoded, o: TrainOverrides) {
  const { config } = decoded;
  const { training } = config;
  return {
    ...(config.clip && { clip: config.clip }),
    ...(config.schedule?.per === 'iteration' && { lrPerIteration: true }),
    epochs: o.epochs ?? training.epochs,
    batchSize: training.batchSize,
    evalBatchSize: training.evalBatchSize ?? DEFAULT_EVAL_BATCH_SIZE,
    seed: training.seed ?? config.seed ?? 0,
    ...(training.checkpoint && { checkpoint: training.checkpoint }),
    ...(training.evaluate && { evaluate: training.evaluate }),
    ...(training.earlyStopping && { earlyStopping: training.earlyStopping }),
    runDir: runDirOf(decoded, o),
  };
}

/**
 * Stage two: every name resolved through the registries (datasets, branch types, topologies, the
 * loss, optimizer, schedule, solvers and adjoint method), the dataset loaded and the network built;
 * every problem is located in the file (or at the option that replaced a field) and all come back together.
 */
export async function buildTraining(decoded: DecodedTrainConfig, container: DependencyContainer, o: TrainOverrides): Promise<E.Either<FileIssue[], TrainingPlan>> {
  const { src, config } = decoded;
  const shared = await buildShared(decoded, container);
  if (E.isLeft(shared)) return shared;
  const { registries, catalog, dataset, data, augment, loss, lr } = shared.right;
  const issues = [...shared.right.issues];
  const collect = <T>(result: E.Either<FileIssue[], T>): T | undefined => (E.isLeft(result) ? void issues.push(...result.left) : result.right);
  const network = collect(
    buildTrainingNetwork({
      src,
      config,
      catalog,
      topologies: registries.topologies,
      failedTypes: shared.right.failedTypes,
      // Options such as an image `size` change the width from the meta's; the loaded data has the real one.
      ...(dataset && { dataset: data ? { ...dataset.meta, inputDim: data.train.inputDim } : dataset.meta }),
      ...(loss && { loss }),
    }),
  );
  const optimizer = shared.right.optimizer && network && collect(shared.right.optimizer.create(network.params.map((p) => p.length)));
  const solvers = collect(resolveSolvers(decoded, registries, o));
  if (issues.length || !dataset || !data || !loss || !network || !optimizer || !lr || !solvers) return E.left(byPosition(uniqueIssues(issues)));
  return E.right({
    decoded,
    network,
    dataset,
    ...data,
    ...(augment && { augment }),
    loss,
    optimizer,
    lr,
    ...solvers,
    ...trainingSettings(decoded, o),
  });
}
