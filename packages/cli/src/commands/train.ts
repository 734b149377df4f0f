import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BEST_PARAMS, train, trainModel, type ModelTrainerOptions, type ProgressEvent, type TrainingSummary } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { buildTraining, type TrainingPlan } from '../config/train-build';
import { decodeAnyTrainFile, trainingPlugins, type DecodedTrainConfig } from '../config/train-decode';
import { buildFeedForwardTraining, type FeedForwardPlan } from '../config/train-kan';
import { isFeedForwardConfig, type AnyTrainConfig, type TrainConfig } from '../config/train-schema';
import { checkpointExists, configCopyText, configDifferences, orThrow, readRunCheckpoint, runFile, shownPath } from '../config/train-run-dir';
import { createTrainingContainer } from '../engine';
import type { CliIo } from '../io';
import { CliError, issueIn } from '../issues';
import { writeFileAtomic } from '../output';

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

export interface TrainOptions {
  /** Relative to the working directory; replaces the config's runDir. */
  readonly runDir?: string;
  readonly resume?: boolean;
  /** Start over in a run dir that already holds a checkpoint (deleting it). */
  readonly force?: boolean;
  readonly epochs?: number;
  /** Only the final line. */
  readonly quiet?: boolean;
  /** `auto`: a single updating line when stderr is a terminal, periodic lines otherwise. */
  readonly progress?: ProgressMode;
  readonly plugin?: readonly string[];
}

export interface TrainReport {
  /** A KirchhoffNet's plan, or a KAN's or MLP's (`kind`). */
  readonly plan: TrainingPlan | FeedForwardPlan;
  readonly summary: TrainingSummary;
  /** Whether training continued from a checkpoint. */
  readonly resumed: boolean;
}

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

/** Progress on stderr: one rewritten line on a terminal, a line per quarter epoch (or 30 s) otherwise. */
function progressReporter(mode: Exclude<ProgressMode, 'auto'>, io: CliIo, classification: boolean) {
  let shownAt = 0;
  let onScreen = false;
  const bar = (e: ProgressEvent) => {
    const filled = Math.round((20 * e.batch) / e.batches);
    return `[${'='.repeat(filled)}${' '.repeat(20 - filled)}] `;
  };
  const text = (e: ProgressEvent) =>
    [
      `epoch ${e.epoch + 1}/${e.epochs}`,
      `${mode === 'bar' ? bar(e) : ''}batch ${e.batch}/${e.batches}`,
      `loss ${e.loss.toFixed(4)}`,
      ...(classification ? [`acc ${percent(e.accuracy)}`] : []),
      `NFE ${e.nfeForward.toFixed(0)}+${e.nfeBackward.toFixed(0)}`,
      `lr ${e.lr.toPrecision(3)}`,
    ].join('  ');
  const onProgress = (e: ProgressEvent) => {
    const now = performance.now();
    if (mode === 'bar') {
      if (now - shownAt < 100 && e.batch < e.batches) return;
      io.err(`\r\x1b[K${text(e)}`);
      onScreen = true;
    } else {
      const quarter = Math.max(1, Math.ceil(e.batches / 4));
      if (e.batch % quarter !== 0 && e.batch !== e.batches && now - shownAt < 30_000) return;
      io.err(`${text(e)}\n`);
    }
    shownAt = now;
  };
  /** Clears the bar before a line goes to stdout, so that the two never share a terminal line. */
  const clear = () => {
    if (onScreen) io.err('\r\x1b[K');
    onScreen = false;
  };
  return { onProgress: mode === 'none' ? undefined : onProgress, clear };
}

type AnyDecoded = DecodedTrainConfig<AnyTrainConfig>;

async function decodeOrThrow(path: string, cwd: string): Promise<AnyDecoded> {
  return orThrow(await decodeAnyTrainFile(path, cwd));
}

/** A built run of either model family. */
export async function buildAnyTraining(decoded: AnyDecoded, plugins: Parameters<typeof createTrainingContainer>[0], overrides: Parameters<typeof buildTraining>[2]): Promise<TrainingPlan | FeedForwardPlan> {
  const container = createTrainingContainer(plugins);
  const config = decoded.config;
  const built = isFeedForwardConfig(config)
    ? await buildFeedForwardTraining({ ...decoded, config }, container, overrides)
    : await buildTraining(decoded as DecodedTrainConfig<TrainConfig>, container, overrides);
  if (E.isLeft(built)) throw new CliError(built.left);
  return built.right;
}

/** The parameter tensors a checkpoint of the plan holds. */
const planParams = (plan: TrainingPlan | FeedForwardPlan) => ('network' in plan ? plan.network : plan.model);

/** The config to train with: the one given, or on `--resume --run-dir` alone the run dir's copy. */
async function configFor(config: string | undefined, options: TrainOptions, io: CliIo): Promise<{ decoded: AnyDecoded; shown: string }> {
  if (config !== undefined) return { decoded: await decodeOrThrow(config, io.cwd), shown: config };
  if (!options.resume || options.runDir === undefined) {
    throw new CliError([{ code: 'usage', message: 'give a config file, or --resume with --run-dir to continue a run from its own config copy', where: 'train' }], 2);
  }
  const copy = join(options.runDir, 'config.yaml');
  if (!existsSync(resolve(io.cwd, copy))) throw new CliError([issueIn(options.runDir, 'missing-run-config', `no ${copy} here: not a run dir of kirchhoff train`)]);
  return { decoded: await decodeOrThrow(copy, io.cwd), shown: copy };
}

/**
 * Checks the run dir against what was asked. A fresh run never replaces another run's checkpoint
 * unless forced; a resumed run must be the same run (the given config equal to the run dir's copy).
 * Returns whether there is a checkpoint to resume from.
 */
async function prepareRunDir(plan: TrainingPlan | FeedForwardPlan, given: AnyDecoded, options: TrainOptions, io: CliIo): Promise<boolean> {
  const { runDir } = plan;
  const shown = shownPath(io.cwd, runDir);
  const copyPath = runFile(runDir, 'config');
  if (options.resume) {
    if (!existsSync(copyPath)) throw new CliError([issueIn(shown, 'missing-run-config', `nothing to resume: ${shown} has no config.yaml`)]);
    const copy = await decodeOrThrow(copyPath, io.cwd);
    const differing = configDifferences(given, copy, options.epochs !== undefined);
    if (differing.length) {
      const message = `the config differs from the run's copy in ${differing.join(', ')}; resume with the same config (or only --resume --run-dir ${shown}), or start a new run`;
      throw new CliError([issueIn(given.src.path, 'config-mismatch', message)]);
    }
    const checkpoint = checkpointExists(runDir) ? readRunCheckpoint(runFile(runDir, 'checkpoint'), planParams(plan), join(shown, 'checkpoint.json')) : undefined;
    if (checkpoint && checkpoint.epoch >= plan.epochs) {
      throw new CliError([issueIn(shown, 'run-complete', `the run already completed ${checkpoint.epoch} of ${plan.epochs} epochs; pass --epochs with a larger number to continue it`)]);
    }
    if (options.epochs !== undefined) await writeFileAtomic(copyPath, configCopyText(copy, plan.epochs, copy.src.path));
    return checkpoint !== undefined;
  }
  if (checkpointExists(runDir)) {
    if (!options.force) {
      const message = `${shown} already holds a checkpoint of an earlier run; continue it with --resume, choose another --run-dir, or pass --force to start over (deleting it)`;
      throw new CliError([issueIn(shown, 'run-dir-exists', message)]);
    }
    for (const file of ['checkpoint', 'summary'] as const) rmSync(runFile(runDir, file), { force: true });
    rmSync(join(runDir, BEST_PARAMS), { force: true });
  }
  mkdirSync(runDir, { recursive: true });
  await writeFileAtomic(copyPath, configCopyText(given, plan.epochs, resolve(io.cwd, given.src.path)));
  return false;
}

function finalLine(plan: TrainingPlan | FeedForwardPlan, summary: TrainingSummary): string {
  const tail = `${summary.epochs} epoch${summary.epochs === 1 ? '' : 's'}${summary.stoppedEarly ? ' (stopped early)' : ''}, ${summary.seconds.toFixed(1)} s`;
  if (summary.restoredEpoch !== undefined && plan.loss.meta.targets === 'class-index') {
    return `final test accuracy: ${percent(summary.finalTestAccuracy)} (the best validation epoch ${summary.restoredEpoch}, restored: validation ${percent(summary.bestTestScore)}), ${tail}`;
  }
  if (plan.loss.meta.targets === 'class-index') {
    return `final test accuracy: ${percent(summary.finalTestAccuracy)} (best ${percent(summary.bestTestScore)} at epoch ${summary.bestEpoch}), ${tail}`;
  }
  return `final test loss: ${summary.finalTestLoss.toPrecision(4)} (${plan.loss.name}; best ${(-summary.bestTestScore).toPrecision(4)} at epoch ${summary.bestEpoch}), ${tail}`;
}

/**
 * `kirchhoff train <config>`: decodes and builds the run, prepares the run dir (config copy, refusal to
 * overwrite, resume checks), trains with core's `train` and reports progress and the final accuracy.
 */
export async function trainCommand(config: string | undefined, options: TrainOptions, io: CliIo): Promise<TrainReport> {
  const { decoded, shown } = await configFor(config, options, io);
  const plugins = await trainingPlugins(decoded, options.plugin ?? [], io.cwd);
  const overrides = { cwd: io.cwd, ...(options.epochs !== undefined && { epochs: options.epochs }), ...(options.runDir !== undefined && { runDir: resolve(io.cwd, options.runDir) }) };
  const plan = await buildAnyTraining(decoded, plugins, overrides);
  const resume = await prepareRunDir(plan, decoded, options, io);

  const classification = plan.loss.meta.targets === 'class-index';
  const asked = options.quiet ? 'none' : (options.progress ?? 'auto');
  const progress = progressReporter(asked === 'auto' ? (process.stderr.isTTY ? 'bar' : 'lines') : asked, io, classification);
  const say = (message: string) => {
    progress.clear();
    io.out(`${message}\n`);
  };
  if (!options.quiet && !('network' in plan)) {
    say(`${shown}${decoded.config.description ? ` (${decoded.config.description})` : ''}`);
    say(`  ${describeFeedForward(plan)}`);
    say(`  ${plan.dataset.name}: ${plan.train.count} train${plan.validation ? ` / ${plan.validation.count} validation` : ''} / ${plan.test.count} test samples; ${plan.optimizer.optimizer}, ${plan.loss.name}`);
    say(`  run dir ${shownPath(io.cwd, plan.runDir)}${resume ? ' (resuming)' : ''}`);
    if (options.resume && !resume) say('  no checkpoint yet: starting from the beginning');
  }
  const settings: Omit<ModelTrainerOptions, 'model'> = {
    train: plan.train,
    test: plan.test,
    ...(plan.validation && { validation: plan.validation }),
    loss: plan.loss,
    optimizer: plan.optimizer,
    lr: plan.lr,
    ...(plan.clip && { clip: plan.clip }),
    epochs: plan.epochs,
    batchSize: plan.batchSize,
    evalBatchSize: plan.evalBatchSize,
    seed: plan.seed,
    ...(plan.augment && { augment: plan.augment }),
    runDir: plan.runDir,
    ...(plan.checkpoint && { checkpoint: plan.checkpoint }),
    ...(plan.evaluate && { evaluate: plan.evaluate }),
    ...(plan.earlyStopping && { earlyStopping: plan.earlyStopping }),
    resume,
    ...(progress.onProgress && { onProgress: progress.onProgress }),
    ...(!options.quiet && { log: say }),
  };
  if (!('network' in plan)) {
    const summary = trainModel({ ...settings, model: plan.model });
    progress.clear();
    io.out(`${finalLine(plan, summary)}\n`);
    return { plan, summary, resumed: resume };
  }
  if (!options.quiet) {
    const edges = plan.network.model.slices.map((s) => s.circuit.groups.reduce((n, g) => n + g.size, 0));
    say(`${shown}${decoded.config.description ? ` (${decoded.config.description})` : ''}`);
    say(`  ${plan.network.model.numNodes} nodes, ${edges.length} slice${edges.length === 1 ? '' : 's'} of ${edges.join(' + ')} edges, ${plan.network.params.reduce((n, p) => n + p.length, 0)} parameters`);
    say(`  ${plan.dataset.name}: ${plan.train.count} train / ${plan.test.count} test samples; ${plan.optimizer.optimizer}, ${plan.loss.name}, ${plan.method.name} adjoint, ${plan.solver.name}`);
    say(`  run dir ${shownPath(io.cwd, plan.runDir)}${resume ? ' (resuming)' : ''}`);
    if (options.resume && !resume) say('  no checkpoint yet: starting from the beginning');
  }
  const summary = train({ ...settings, network: plan.network, forward: plan.forward, backward: plan.backward, method: plan.method });
  progress.clear();
  io.out(`${finalLine(plan, summary)}\n`);
  return { plan, summary, resumed: resume };
}

/** `kan [196, 64, 10], bases tunnel-diode + schulman-rtd, pre clamp, batch norm: 26570 parameters, …` */
export function describeFeedForward(plan: FeedForwardPlan): string {
  const { model } = plan;
  const m = plan.decoded.config.model;
  const bases = model.spec.layers[model.spec.layers.length - 1].bases.map((b) => b.name).join(' + ');
  const what = plan.kind === 'kan' ? `bases ${bases}, pre ${m.kind === 'kan' ? (m.pre ?? 'none') : 'none'}` : `activation ${bases}`;
  return `${plan.kind} [${model.spec.widths.join(', ')}], ${what}, ${model.spec.norm} norm: ${model.parameterCount} parameters`;
}
