import {
  buildNetwork,
  Rng,
  type BranchCatalog,
  type BranchTypeRef,
  type CompiledBranchType,
  type DatasetMeta,
  type Issue,
  type Loss,
  type Network,
  type NetworkSliceSpec,
  type Registry,
  type Topology,
  type TopologyGenerator,
} from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { parsePath, type FieldPath, type FileIssue } from '../issues';
import { issueAt, type SourceFile } from './source';
import type { BranchRef, TrainConfig, TopologySpec } from './train-schema';

export interface ModelContext {
  readonly src: SourceFile;
  readonly config: TrainConfig;
  readonly catalog: BranchCatalog;
  readonly topologies: Registry<TopologyGenerator>;
  /** Inline types already reported as broken: their uses stay silent. */
  readonly failedTypes: ReadonlySet<string>;
  /** Unknown when the dataset could not be resolved: the checks against it are then skipped. */
  readonly dataset?: DatasetMeta;
  readonly loss?: Loss;
}

/** Where each slice's settings come from in the file: its own entry, or the model-wide default. */
interface SlicePlaces {
  readonly branch: FieldPath;
  readonly topology: FieldPath;
  readonly duration: FieldPath;
}

const DEFAULT_TOPOLOGY: TopologySpec = { generator: 'fully-connect' };

function slicePlaces(config: TrainConfig): { places: SlicePlaces[]; specs: { branch: BranchRef; topology: TopologySpec; duration: number }[] } {
  const m = config.model;
  const listed = Array.isArray(m.slices) ? m.slices : undefined;
  const count = listed ? listed.length : ((m.slices as number | undefined) ?? 1);
  const places: SlicePlaces[] = [];
  const specs = Array.from({ length: count }, (_, i) => {
    const own = listed?.[i];
    const at = (key: 'branch' | 'topology' | 'duration', fallback: FieldPath): FieldPath => (own?.[key] !== undefined ? ['model', 'slices', i, key] : fallback);
    places.push({ branch: at('branch', ['model', 'branch']), topology: at('topology', ['model', 'topology']), duration: at('duration', ['model', 'duration']) });
    // The schema requires a duration somewhere; NaN would still be caught by core as invalid-duration.
    return { branch: own?.branch ?? m.branch, topology: own?.topology ?? m.topology ?? DEFAULT_TOPOLOGY, duration: own?.duration ?? m.duration ?? NaN };
  });
  return { places, specs };
}

function resolveBranch(ctx: ModelContext, ref: BranchRef, at: FieldPath): E.Either<FileIssue[], CompiledBranchType> {
  if (typeof ref === 'string' && ctx.failedTypes.has(ref)) return E.left([]);
  const typeRef: BranchTypeRef = typeof ref === 'string' ? ref : { family: ref.family, options: ref.options ?? {} };
  return E.mapLeft((issues: Issue[]) => issues.map((i) => issueAt(ctx.src, at, i.code, i.message)))(ctx.catalog.resolve(typeRef));
}

function generateTopology(ctx: ModelContext, spec: TopologySpec, at: FieldPath): E.Either<FileIssue[], Topology> {
  if (!ctx.topologies.has(spec.generator)) {
    const known = ctx.topologies.list().map((t) => t.name).join(', ');
    return E.left([issueAt(ctx.src, [...at, 'generator'], 'unknown-topology', `unknown topology generator '${spec.generator}'; known: ${known || '(none)'}`)]);
  }
  const generator = ctx.topologies.byName(spec.generator);
  // Generators that take a node count (fully-connect) get the model's, ground included; others size themselves.
  const options = 'nodes' in generator.meta.options ? { nodes: ctx.config.model.nodes + 1, ...spec.options } : { ...spec.options };
  const generated = generator.generate(options);
  // Generators name the option at the end of `where` (`topology fully-connect.repeat`); point at it when the file gives it.
  const place = (i: Issue): FieldPath => {
    const key = /\.(\w+)$/.exec(i.where ?? '')?.[1];
    return key !== undefined && spec.options?.[key] !== undefined ? [...at, 'options', key] : at;
  };
  return E.mapLeft((issues: Issue[]) => issues.map((i) => issueAt(ctx.src, place(i), i.code, i.message)))(generated);
}

function readoutNodes(ctx: ModelContext, issues: FileIssue[]): number[] {
  const { readout, nodes } = ctx.config.model;
  if (Array.isArray(readout)) return readout;
  if (readout.last > nodes) {
    issues.push(issueAt(ctx.src, ['model', 'readout', 'last'], 'node-out-of-range', `the last ${readout.last} nodes of a model with ${nodes} nodes`));
    return [];
  }
  return Array.from({ length: readout.last }, (_, k) => nodes - readout.last + 1 + k);
}

/** The dataset's width against the model's input and readout, and the loss against the task. */
function datasetIssues(ctx: ModelContext, inputNodes: readonly number[] | undefined, readout: readonly number[]): FileIssue[] {
  const { dataset, loss, src } = ctx;
  if (!dataset) return [];
  const issues: FileIssue[] = [];
  if (inputNodes && inputNodes.length !== dataset.inputDim) {
    issues.push(issueAt(src, ['model', 'input'], 'input-width', `${inputNodes.length} input nodes, but the dataset has ${dataset.inputDim} features per sample`));
  }
  if (!inputNodes && dataset.inputDim > ctx.config.model.nodes) {
    const message = `the dataset has ${dataset.inputDim} features, more than the model's ${ctx.config.model.nodes} nodes (by default feature d goes to node d)`;
    issues.push(issueAt(src, ['model', 'nodes'], 'input-width', message));
  }
  if (!loss) return issues;
  const classes = loss.meta.targets === 'class-index';
  if (classes !== (dataset.task === 'classification')) {
    const message = `loss '${loss.name}' needs a ${classes ? 'classification' : 'regression'} dataset; this one is for ${dataset.task}`;
    issues.push(issueAt(src, ctx.config.loss !== undefined ? ['loss'] : ['data', 'dataset'], 'loss-task-mismatch', message));
    return issues;
  }
  const width = dataset.outputDim ?? 1;
  if (readout.length && readout.length !== width) {
    const what = classes ? `${width} classes (one logit per class for ${loss.name})` : `${width} target value${width === 1 ? '' : 's'} per sample`;
    issues.push(issueAt(src, ['model', 'readout'], 'readout-width', `${readout.length} readout nodes, but the dataset has ${what}`));
  }
  return issues;
}

/** Maps buildNetwork's `model.…` paths (core's circuit and model fields) onto the file's. */
function networkField(config: TrainConfig, places: readonly SlicePlaces[], where: string | undefined): FieldPath {
  const [head, kind, index, field, ...rest] = parsePath(where ?? '');
  if (head !== 'model') return [];
  if (kind === 'input') return ['model', 'input', ...(index === undefined ? [] : [index])];
  if (kind === 'readout') return Array.isArray(config.model.readout) && index !== undefined ? ['model', 'readout', index] : ['model', 'readout'];
  const place = typeof index === 'number' ? places[index] : undefined;
  if (kind !== 'slices' || !place) return ['model'];
  if (field === 'duration') return place.duration;
  if (field === 'nodes') return ['model', 'nodes'];
  if (field === 'capacitance') return ['model', 'capacitance', ...rest.slice(0, 1)];
  // branches[0].edges[e] is the topology's doing, branches[0].params the branch type's.
  return rest.includes('edges') ? place.topology : place.branch;
}

/**
 * Stage two for the model: branch types and topologies resolved by name, the network built (parameters
 * drawn from `seed` through core's Rng), and every problem mapped back to the field it came from.
 */
export function buildTrainingNetwork(ctx: ModelContext): E.Either<FileIssue[], Network> {
  const { config, src } = ctx;
  const issues: FileIssue[] = [];
  const { places, specs } = slicePlaces(config);
  const slices: NetworkSliceSpec[] = [];
  specs.forEach((spec, i) => {
    const type = resolveBranch(ctx, spec.branch, places[i].branch);
    const topology = generateTopology(ctx, spec.topology, places[i].topology);
    if (E.isLeft(type)) issues.push(...type.left);
    if (E.isLeft(topology)) issues.push(...topology.left);
    if (E.isRight(type) && E.isRight(topology)) slices.push({ duration: spec.duration, type: type.right, src: topology.right.src, dst: topology.right.dst });
  });
  const readout = readoutNodes(ctx, issues);
  const inputNodes = config.model.input ?? (ctx.dataset ? Array.from({ length: ctx.dataset.inputDim }, (_, d) => d + 1) : []);
  issues.push(...datasetIssues(ctx, config.model.input, readout));
  if (slices.length < specs.length) return E.left(issues);
  const spec = { numNodes: config.model.nodes, capacitance: config.model.capacitance, slices, inputNodes, readoutNodes: readout };
  const network = buildNetwork(spec, new Rng(config.seed ?? 0), 'model');
  if (E.isLeft(network)) {
    // Default input nodes and `{last: k}` readouts are not in the file; their problems were reported above.
    const derived = (i: Issue) =>
      (config.model.input === undefined && i.where?.startsWith('model.input')) || (!Array.isArray(config.model.readout) && i.where?.startsWith('model.readout'));
    const kept = issues.length ? network.left.filter((i) => !derived(i)) : network.left;
    issues.push(...kept.map((i) => issueAt(src, networkField(config, places, i.where), i.code, i.message)));
  }
  return issues.length || E.isLeft(network) ? E.left(issues) : network;
}
