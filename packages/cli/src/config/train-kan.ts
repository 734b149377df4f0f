import {
  createKanModel,
  deviceBasis,
  functionBasis,
  Rng,
  type BranchTypeRef,
  type DatasetPlugin,
  type Issue,
  type KanBasis,
  type KanInit,
  type KanLayerSpec,
  type KanModel,
  type FunctionTable,
} from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import type { DependencyContainer } from 'tsyringe';
import { byPosition, uniqueIssues, type FieldPath, type FileIssue } from '../issues';
import { issueAt } from './source';
import { buildShared, trainingSettings, type ConfiguredTrainerSettings, type SharedTraining, type TrainOverrides } from './train-build';
import type { DecodedTrainConfig } from './train-decode';
import type { AnyTrainConfig, BasisSpec, FeedForwardConfig } from './train-schema';

/** The default input range of a basis: KANalogue's pos-larger domain. */
export const DEFAULT_INPUT_RANGE: readonly [number, number] = [0, 1.2];

/** Everything core's `trainModel` needs for a KAN or MLP run. */
export interface FeedForwardPlan extends ConfiguredTrainerSettings {
  readonly kind: 'kan' | 'mlp';
  readonly decoded: DecodedTrainConfig<FeedForwardConfig>;
  readonly model: KanModel;
  /** The function table the bases were compiled with (for SPICE export). */
  readonly functions: FunctionTable;
  readonly dataset: DatasetPlugin;
}

/** A basis spec resolved through the branch catalog and scaled; problems located at `at`. */
function resolveBasis(decoded: DecodedTrainConfig<AnyTrainConfig>, shared: SharedTraining, spec: BasisSpec, at: FieldPath): E.Either<FileIssue[], KanBasis> {
  const { src } = decoded;
  const object = typeof spec === 'object' && 'branch' in spec ? spec : undefined;
  const ref = object ? object.branch : (spec as string | { family: string; options?: Record<string, unknown> });
  const refAt = object ? [...at, 'branch'] : at;
  if (typeof ref === 'string' && shared.failedTypes.has(ref)) return E.left([]);
  const typeRef: BranchTypeRef = typeof ref === 'string' ? ref : { family: ref.family, options: ref.options ?? {} };
  const type = shared.catalog.resolve(typeRef);
  if (E.isLeft(type)) {
    // The catalog lists the registered ids in its unknown-type message.
    return E.left(type.left.map((i: Issue) => issueAt(src, refAt, i.code === 'unknown-branch-type' ? 'unknown-basis' : i.code, i.message)));
  }
  const input = object?.input ?? DEFAULT_INPUT_RANGE;
  const voltage = object?.voltage ?? input;
  const issues: FileIssue[] = [];
  if (!(input[1] > input[0])) issues.push(issueAt(src, [...at, 'input'], 'invalid-range', `input range [${input.join(', ')}] must have low < high`));
  if (!(voltage[1] !== voltage[0])) issues.push(issueAt(src, [...at, 'voltage'], 'invalid-range', `voltage range [${voltage.join(', ')}] must not be empty`));
  const P = type.right.paramNames.length;
  if (object?.theta && object.theta.length !== P) {
    issues.push(issueAt(src, [...at, 'theta'], 'param-count', `${type.right.definition.name} has ${P} parameters (${type.right.paramNames.join(', ')}), theta gives ${object.theta.length}`));
  }
  if (issues.length) return E.left(issues);
  try {
    const scaling = { inputLow: input[0], inputHigh: input[1], voltageLow: voltage[0], voltageHigh: voltage[1], ...(object?.currentScale !== undefined && { currentScale: object.currentScale }) };
    return E.right(deviceBasis(type.right, scaling, object?.theta));
  } catch (err) {
    if (err instanceof RangeError) return E.left([issueAt(src, at, 'invalid-basis', err.message)]);
    throw err;
  }
}

/** The model's widths against the data: input features and classes (or targets). */
function widthIssues(decoded: DecodedTrainConfig<FeedForwardConfig>, shared: SharedTraining): FileIssue[] {
  const { src, config } = decoded;
  const { widths } = config.model;
  const issues: FileIssue[] = [];
  const train = shared.data?.train;
  if (train && widths[0] !== train.inputDim) {
    issues.push(issueAt(src, ['model', 'widths', 0], 'input-width', `widths[0] is ${widths[0]}, but the dataset has ${train.inputDim} features per sample`));
  }
  const meta = shared.dataset?.meta;
  const outputs = meta && (meta.outputDim ?? 1);
  const last = widths.length - 1;
  if (outputs !== undefined && widths[last] !== outputs) {
    const what = meta!.task === 'classification' ? `${outputs} classes` : `${outputs} target value${outputs === 1 ? '' : 's'} per sample`;
    issues.push(issueAt(src, ['model', 'widths', last], 'output-width', `the last width is ${widths[last]}, but the dataset has ${what}`));
  }
  return issues;
}

/** A KAN (`model.kind: kan`) or MLP baseline (`model.kind: mlp`) built from its config, with every problem located. */
export async function buildFeedForwardTraining(
  decoded: DecodedTrainConfig<FeedForwardConfig>,
  container: DependencyContainer,
  o: TrainOverrides,
): Promise<E.Either<FileIssue[], FeedForwardPlan>> {
  const built = await buildShared(decoded, container);
  if (E.isLeft(built)) return built;
  const shared = built.right;
  const { config } = decoded;
  const issues = [...shared.issues, ...widthIssues(decoded, shared)];
  const layerCount = config.model.widths.length - 1;
  let layers: KanLayerSpec[] | undefined;
  let init: KanInit;
  if (config.model.kind === 'kan') {
    const bases = config.model.bases.map((b, d) => resolveBasis(decoded, shared, b, ['model', 'bases', d]));
    bases.forEach((b) => E.isLeft(b) && issues.push(...b.left));
    const resolved = bases.flatMap((b) => (E.isRight(b) ? [b.right] : []));
    const pre = config.model.pre ?? 'none';
    if (resolved.length === bases.length) layers = Array.from({ length: layerCount }, () => ({ bases: resolved, pre }));
    init = config.model.init ?? 'kan';
  } else {
    // An MLP is a KAN with one basis per layer: the identity on the input, the activation after.
    const spec = config.model.activation ?? 'relu';
    const activation = spec === 'relu' ? E.right(functionBasis('relu')) : resolveBasis(decoded, shared, spec, ['model', 'activation']);
    if (E.isLeft(activation)) issues.push(...activation.left);
    else layers = Array.from({ length: layerCount }, (_, l) => ({ bases: [l === 0 ? functionBasis('identity') : activation.right], pre: 'none' as const }));
    init = config.model.init ?? 'torch-linear';
  }
  const norm = config.model.norm ?? (config.model.kind === 'kan' ? 'layer' : 'none');
  const model = layers && createKanModel({ widths: config.model.widths, layers, norm, init }, new Rng(config.seed ?? 0));
  const optimizer = model && shared.optimizer?.create(model.params.map((p) => p.length));
  if (optimizer && E.isLeft(optimizer)) issues.push(...optimizer.left);
  const { dataset, data, loss, lr } = shared;
  if (issues.length || !dataset || !data || !loss || !lr || !model || !optimizer || E.isLeft(optimizer)) return E.left(byPosition(uniqueIssues(issues)));
  return E.right({
    kind: config.model.kind,
    decoded,
    model,
    functions: shared.catalog.functions,
    dataset,
    ...data,
    ...(shared.augment && { augment: shared.augment }),
    loss,
    optimizer: optimizer.right,
    lr,
    ...trainingSettings(decoded, o),
  });
}
