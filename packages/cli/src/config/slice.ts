import {
  createCircuit,
  initializeParams,
  type BranchCatalog,
  type BranchGroupInput,
  type BranchTypeRef,
  type Circuit,
  type CompiledBranchType,
  type Issue,
  type Rng,
} from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { parsePath, type FieldPath, type FileIssue } from '../issues';
import { readBinary } from './binary';
import type { BranchGroupSpec } from './schema';
import { issueAt, type SourceFile } from './source';

export interface SliceContext {
  readonly src: SourceFile;
  /** Relative data and plugin paths are resolved against the file's folder. */
  readonly baseDir: string;
  readonly catalog: BranchCatalog;
  /** Inline types already reported as broken: their uses stay silent. */
  readonly failedTypes: ReadonlySet<string>;
  readonly numNodes: number;
  readonly capacitance: number | readonly number[];
  readonly rng: Rng;
}

interface Topology {
  readonly type: CompiledBranchType;
  readonly src: ArrayLike<number>;
  readonly dst: ArrayLike<number>;
}

function resolveType(ctx: SliceContext, spec: BranchGroupSpec, path: FieldPath): E.Either<FileIssue[], CompiledBranchType> {
  const ref: BranchTypeRef = typeof spec.type === 'string' ? spec.type : { family: spec.type.family, options: spec.type.options ?? {} };
  if (typeof spec.type === 'string' && ctx.failedTypes.has(spec.type)) return E.left([]);
  return E.mapLeft((issues: Issue[]) => issues.map((i) => issueAt(ctx.src, [...path, 'type'], i.code, i.message)))(ctx.catalog.resolve(ref));
}

function readEdges(ctx: SliceContext, spec: BranchGroupSpec, path: FieldPath): E.Either<FileIssue[], Pick<Topology, 'src' | 'dst'>> {
  if (Array.isArray(spec.edges)) {
    return E.right({ src: spec.edges.map((e) => e[0]), dst: spec.edges.map((e) => e[1]) });
  }
  const at = [...path, 'edges', 'file'];
  const data = readBinary(spec.edges.file, ctx.baseDir, spec.edges.format);
  if (E.isLeft(data)) return E.left([issueAt(ctx.src, at, data.left.code, data.left.message)]);
  const values = data.right;
  if (values.length % 2 !== 0) {
    return E.left([issueAt(ctx.src, at, 'binary-size', `${spec.edges.file} has ${values.length} values; expected 2×E (E sources, then E destinations)`)]);
  }
  const numEdges = values.length / 2;
  return E.right({ src: values.subarray(0, numEdges), dst: values.subarray(numEdges) });
}

/**
 * The group's P×E block. Every row is first drawn from the type's init with the seeded PRNG, then the
 * rows the file gives replace theirs: drawing every row keeps the random values of one row from
 * depending on which other rows the file happens to give.
 */
function readParams(ctx: SliceContext, spec: BranchGroupSpec, path: FieldPath, topo: Topology, fanIn: number): E.Either<FileIssue[], ArrayLike<number>> {
  const numEdges = topo.src.length;
  const block = initializeParams(topo.type, numEdges, fanIn, ctx.rng);
  const given = spec.params;
  if (given === undefined) return E.right(block);
  if (typeof given.file === 'string' && typeof given.format === 'string') {
    const file = given as { file: string; format: 'float32-le' | 'float64-le' };
    const data = readBinary(file.file, ctx.baseDir, file.format);
    return E.isLeft(data) ? E.left([issueAt(ctx.src, [...path, 'params', 'file'], data.left.code, data.left.message)]) : E.right(data.right);
  }
  const names = topo.type.paramNames;
  const issues: FileIssue[] = [];
  for (const [name, value] of Object.entries(given as Record<string, number | number[]>)) {
    const row = names.indexOf(name);
    const at = [...path, 'params', name];
    if (row < 0) {
      issues.push(issueAt(ctx.src, at, 'unknown-param', `branch type '${topo.type.definition.name}' has no parameter '${name}'; its parameters: ${names.join(', ') || '(none)'}`, true));
    } else if (typeof value === 'number') {
      block.fill(value, row * numEdges, (row + 1) * numEdges);
    } else if (value.length !== numEdges) {
      issues.push(issueAt(ctx.src, at, 'param-length', `expected ${numEdges} values (one per edge) or a single number, got ${value.length}`));
    } else {
      block.set(value, row * numEdges);
    }
  }
  return issues.length ? E.left(issues) : E.right(block);
}

/** Maps core's `circuit.…` field paths onto the file's. */
function fileField(groupPaths: readonly FieldPath[], where: string | undefined): FieldPath {
  const [head, kind, index, ...rest] = parsePath(where ?? '');
  if (head !== 'circuit') return [];
  if (kind === 'branches' && typeof index === 'number') return [...groupPaths[index], ...rest];
  if (kind === 'capacitance') return index === undefined ? ['capacitance'] : ['capacitance', index, ...rest];
  return kind === 'nodes' ? ['nodes'] : [];
}

/** Builds one slice's circuit from its branch groups, collecting every problem. */
export function buildSliceCircuit(ctx: SliceContext, specs: readonly BranchGroupSpec[], slicePath: FieldPath): E.Either<FileIssue[], Circuit> {
  const issues: FileIssue[] = [];
  const topologies: Topology[] = [];
  specs.forEach((spec, j) => {
    const path = [...slicePath, 'branches', j];
    const type = resolveType(ctx, spec, path);
    const edges = readEdges(ctx, spec, path);
    if (E.isLeft(type)) issues.push(...type.left);
    if (E.isLeft(edges)) issues.push(...edges.left);
    if (E.isRight(type) && E.isRight(edges)) topologies.push({ type: type.right, ...edges.right });
  });
  if (issues.length) return E.left(issues);
  // The original's kaiming init uses the fan-in of the whole slice's (P, E) tensor.
  const fanIn = topologies.reduce((n, t) => n + t.src.length, 0);
  const groupPaths = specs.map((_, j) => [...slicePath, 'branches', j]);
  const groups: BranchGroupInput[] = [];
  topologies.forEach((topo, j) => {
    const params = readParams(ctx, specs[j], groupPaths[j], topo, fanIn);
    if (E.isLeft(params)) issues.push(...params.left);
    else groups.push({ ...topo, params: params.right });
  });
  if (issues.length) return E.left(issues);
  const circuit = createCircuit({ numNodes: ctx.numNodes, capacitance: ctx.capacitance as number | number[], groups }, 'circuit');
  return E.mapLeft((found: Issue[]) => found.map((i) => issueAt(ctx.src, fileField(groupPaths, i.where), i.code, i.message)))(circuit);
}
