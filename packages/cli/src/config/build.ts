import { resolve } from 'node:path';
import { compileEnergyExpression, createCircuit, createModel, Rng, sliceBoundaries, type EnergyFunction, type Issue, type Model, type Slice, type SolverConfig, type SolverSetup } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import type { DependencyContainer } from 'tsyringe';
import { branchCatalog, resolveSolver, solverRegistries } from '../engine';
import { byPosition, issueIn, parsePath, uniqueIssues, type FieldPath, type FileIssue } from '../issues';
import type { DecodedFile } from './decode';
import { compileInlineTypes, registerInlineTypes } from './inline-types';
import type { BranchGroupSpec, CircuitFile } from './schema';
import { buildSliceCircuit } from './slice';
import { issueAt, type SourceFile } from './source';

/** Command-line settings that take precedence over the file's. */
export interface Overrides {
  /** Replaces the file's whole solver block unless it names the same solver. */
  readonly solver?: string;
  readonly rtol?: number;
  readonly atol?: number;
  readonly dt0?: number;
  /** New duration of a single-slice file's only slice. */
  readonly tEnd?: number;
  readonly save?: readonly number[];
}

export type OutputFormat = 'csv' | 'json';

/** Everything `simulateModel` needs, plus what the command reports and writes. */
export interface SimulationPlan {
  readonly model: Model;
  /** Node-major with the batch innermost: entry (n−1)·B + b is node n of sample b. */
  readonly input: Float64Array;
  readonly batch: number;
  readonly solver: SolverConfig;
  readonly setup: SolverSetup;
  readonly saveAt: readonly number[];
  /** Output settings from the file, `path` already resolved against the file's folder. */
  readonly output: { readonly format?: OutputFormat; readonly path?: string };
  readonly description?: string;
  /** The file's energy expression, compiled (`simulate` reports its largest step increase). */
  readonly energy?: EnergyFunction;
}

interface SliceSpec {
  readonly duration: number;
  readonly branches: readonly BranchGroupSpec[];
  readonly path: FieldPath;
  readonly durationPath: FieldPath;
}

/** Both file forms as one list: `slices`, or top-level `duration` + `branches`. */
function sliceSpecs(file: CircuitFile, tEnd: number | undefined): SliceSpec[] {
  if (file.slices) {
    return file.slices.map((s, i) => ({
      duration: tEnd ?? s.duration,
      branches: s.branches,
      path: ['slices', i],
      durationPath: ['slices', i, 'duration'],
    }));
  }
  // The schema requires duration when there are no slices; NaN would still be caught as invalid-duration.
  return [{ duration: tEnd ?? file.duration ?? NaN, branches: file.branches ?? [], path: [], durationPath: ['duration'] }];
}

/** An issue about a value that came from the command line, located at the option rather than the file. */
const optionIssue = (src: SourceFile, option: string, issue: Issue): FileIssue => ({ ...issueIn(src.path, issue.code, issue.message), where: option });

function solverConfig(file: CircuitFile, o: Overrides): SolverConfig {
  const fromFile = file.solver ?? { name: 'dopri5' };
  // Another solver's settings (options, controller, tolerances meant for it) rarely fit the new one.
  const base: SolverConfig = o.solver !== undefined && o.solver !== fromFile.name ? { name: o.solver } : fromFile;
  return {
    ...base,
    ...(o.rtol !== undefined && { rtol: o.rtol }),
    ...(o.atol !== undefined && { atol: o.atol }),
    ...(o.dt0 !== undefined && { dt0: o.dt0 }),
  };
}

function solverIssue(src: SourceFile, o: Overrides, issue: Issue): FileIssue {
  const path = parsePath(issue.where ?? 'solver');
  const field = path[1];
  const fromCli: Readonly<Record<string, unknown>> = { name: o.solver, rtol: o.rtol, atol: o.atol, dt0: o.dt0 };
  if (typeof field === 'string' && fromCli[field] !== undefined) {
    return optionIssue(src, `--${field === 'name' ? 'solver' : field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, issue);
  }
  return issueAt(src, path, issue.code, issue.message);
}

function buildInput(src: SourceFile, file: CircuitFile): E.Either<FileIssue[], Float64Array> {
  const N = file.nodes;
  const B = file.input.length;
  const issues = file.input.flatMap((row, b) =>
    row.length === N ? [] : [issueAt(src, ['input', b], 'input-width', `sample ${b} has ${row.length} voltages; expected ${N} (nodes 1..${N})`)],
  );
  if (issues.length) return E.left(issues);
  const input = new Float64Array(N * B);
  file.input.forEach((row, b) => row.forEach((v, n) => (input[n * B + b] = v)));
  return E.right(input);
}

function modelIssue(src: SourceFile, o: Overrides, built: readonly { spec: SliceSpec }[], issue: Issue): FileIssue {
  const [, , index, field] = parsePath(issue.where ?? '');
  const spec = typeof index === 'number' ? built[index]?.spec : undefined;
  if (!spec) return issueIn(src.path, issue.code, issue.message);
  if (field !== 'duration') return issueAt(src, spec.path, issue.code, issue.message);
  return o.tEnd !== undefined ? optionIssue(src, '--t-end', issue) : issueAt(src, spec.durationPath, issue.code, issue.message);
}

function buildSaveTimes(src: SourceFile, file: CircuitFile, o: Overrides, model: Model): E.Either<FileIssue[], number[]> {
  const spans = sliceBoundaries(model);
  const end = spans[spans.length - 1].t1;
  const times = o.save ?? file.save ?? spans.map((s) => s.t1);
  const issues = times.flatMap((t, k) => {
    if (t >= 0 && t <= end) return [];
    const issue = { code: 'save-time-out-of-range', message: `save time ${t} is outside the simulated interval [0, ${end}]` };
    return [o.save ? optionIssue(src, '--save', issue) : issueAt(src, ['save', k], issue.code, issue.message)];
  });
  return issues.length ? E.left(issues) : E.right([...times].sort((a, b) => a - b));
}

/**
 * Stage two: everything the shape cannot tell. Branch types resolve through the catalog, circuits
 * and the model through core's own validation, the solver through core's resolver; every issue is
 * mapped back to the file position it came from, and all of them are reported together.
 */
export function buildSimulation(decoded: DecodedFile, container: DependencyContainer, overrides: Overrides = {}): E.Either<FileIssue[], SimulationPlan> {
  const { src, file, baseDir } = decoded;
  const inline = registerInlineTypes(src, file.branchTypes ?? [], container);
  const catalog = branchCatalog(container);
  const registries = solverRegistries(container);
  if (E.isLeft(catalog) || E.isLeft(registries)) {
    const found = [...(E.isLeft(catalog) ? catalog.left : []), ...(E.isLeft(registries) ? registries.left : [])];
    return E.left([...inline.issues, ...found.map((i) => issueIn(src.path, i.code, i.message))]);
  }

  const compiled = compileInlineTypes(src, file.branchTypes ?? [], catalog.right, inline.failed);
  const failedTypes = new Set([...inline.failed, ...compiled.failed]);
  const issues: FileIssue[] = [...inline.issues, ...compiled.issues];
  const rng = new Rng(file.seed ?? 0);
  const built: { spec: SliceSpec; slice: Slice }[] = [];
  for (const spec of sliceSpecs(file, overrides.tEnd)) {
    const ctx = { src, baseDir, catalog: catalog.right, failedTypes, numNodes: file.nodes, capacitance: file.capacitance ?? 1, rng };
    const circuit = buildSliceCircuit(ctx, spec.branches, spec.path);
    if (E.isLeft(circuit)) issues.push(...circuit.left);
    else built.push({ spec, slice: { duration: spec.duration, circuit: circuit.right } });
  }
  issues.push(...withElements(decoded, built).issues);
  // Checked on the slices that built, so that a bad duration is reported along with bad branches.
  const model = createModel(built.map((b) => b.slice), 'model');
  if (E.isLeft(model) && built.length) issues.push(...model.left.map((i) => modelIssue(src, overrides, built, i)));
  const saveAt = E.isRight(model) ? buildSaveTimes(src, file, overrides, model.right) : E.right([]);
  if (E.isLeft(saveAt)) issues.push(...saveAt.left);
  const input = buildInput(src, file);
  if (E.isLeft(input)) issues.push(...input.left);
  const energy = file.energy === undefined ? undefined : compileEnergyExpression(file.energy, file.nodes, catalog.right.functions, 'energy');
  if (energy && E.isLeft(energy)) issues.push(...energy.left.map((i) => issueIn(src.path, i.code, i.message, 'energy')));
  const solver = solverConfig(file, overrides);
  const setup = resolveSolver(solver, registries.right);
  if (E.isLeft(setup)) issues.push(...setup.left.map((i) => solverIssue(src, overrides, i)));
  if (issues.length || E.isLeft(model) || E.isLeft(saveAt) || E.isLeft(input) || E.isLeft(setup)) return E.left(byPosition(uniqueIssues(issues)));
  return E.right({
    model: model.right,
    input: input.right,
    batch: file.input.length,
    solver,
    setup: setup.right,
    saveAt: saveAt.right,
    output: { format: file.output?.format, ...(file.output?.path !== undefined && { path: resolve(baseDir, file.output.path) }) },
    description: file.description,
    ...(energy && E.isRight(energy) && { energy: energy.right }),
  });
}

/**
 * Adds the file's couplings and clamped nodes to every slice's circuit (rebuilt through createCircuit, so
 * they get core's checks); the slices are replaced in place.
 */
function withElements(decoded: DecodedFile, built: { slice: Slice }[]): { issues: FileIssue[] } {
  const { file, src } = decoded;
  if (!file.couplings && !file.clamped) return { issues: [] };
  const couplings = (file.couplings ?? []).map((c) => ({
    activation: c.activation,
    beta: c.beta,
    source: c.source,
    target: c.target,
    // Rows are sources, columns targets: the source-major layout.
    weights: Float64Array.from(c.weights.flat()),
    mode: c.mode,
  }));
  const issues: FileIssue[] = [];
  built.forEach((b, i) => {
    const circuit = createCircuit({ numNodes: b.slice.circuit.numNodes, capacitance: b.slice.circuit.capacitance, groups: b.slice.circuit.groups, couplings, clamped: file.clamped }, '');
    if (E.isLeft(circuit)) {
      if (i === 0) issues.push(...circuit.left.map((issue) => issueIn(src.path, issue.code, issue.message, (issue.where ?? '').replace(/^\./, ''))));
    } else built[i] = { ...b, slice: { ...b.slice, circuit: circuit.right } };
  });
  return { issues };
}
