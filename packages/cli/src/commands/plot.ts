import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import {
  encodeInputs,
  KirchhoffError,
  sliceBoundaries,
  ValidationError,
  type BranchCatalog,
  type CompiledBranchType,
  type InitSpec,
  type Issue,
  type Model,
  type SolverSetup,
} from '@kirchhoff/core';
import { Command, Option } from 'commander';
import * as E from 'fp-ts/Either';
import { buildSimulation } from '../config/build';
import { decodeCircuitText } from '../config/decode';
import { parseSource } from '../config/source';
import { buildTraining } from '../config/train-build';
import { decodeTrainText, isTrainingConfig, trainingPlugins } from '../config/train-decode';
import { loadCheckpointParams, orThrow, RUN_FILES } from '../config/train-run-dir';
import { branchCatalog, createContainer, createTrainingContainer, simulate } from '../engine';
import type { CliIo } from '../io';
import { CliError, issueIn } from '../issues';
import { pluginsFor } from '../plugins';
import { collect, parseIndex, parseNumber, pluginOption } from '../option-parsers';
import type { NodeRole, RenderedPlot, Series } from '../plot';

/*
 * `kirchhoff plot …`: each subcommand reads its input, builds a chart with the plot module and writes
 * <out>.svg and <out>.png. The plot module (vega, resvg) is imported when a plot is drawn, so that other
 * commands do not load it.
 */

const plotModule = () => import('../plot');

export interface PlotFiles {
  readonly svg: string;
  readonly png: string;
}

interface OutOptions {
  /** Output path without extension (a .svg or .png extension is dropped); relative to the working directory. */
  readonly out?: string;
}

const usage = (where: string, message: string, code = 'usage') => new CliError([{ code, message, where }], 2);

/** Writes both files and says where they went (stderr, like simulate's summary). */
async function emit(plot: RenderedPlot, out: string | undefined, defaultName: string, io: CliIo): Promise<PlotFiles> {
  const { plotBase, writePlot } = await plotModule();
  const base = resolve(io.cwd, plotBase(out ?? defaultName));
  try {
    const files = await writePlot(base, plot);
    for (const warning of plot.warnings) io.err(`plot warning: ${warning}\n`);
    io.err(`wrote ${files.svg} and ${files.png} (${plot.width}×${plot.height} px)\n`);
    return files;
  } catch (err) {
    throw new CliError([{ code: 'output-unwritable', message: `cannot write ${base}.svg/.png: ${(err as Error).message}`, where: out !== undefined ? '--out' : base }]);
  }
}

/** The plot module's font check and similar expected failures as issues. */
async function drawn<T>(draw: () => Promise<T> | T): Promise<T> {
  try {
    return await draw();
  } catch (err) {
    if (err instanceof KirchhoffError) throw new CliError([{ code: err.code, message: err.message, where: 'plot' }]);
    throw err;
  }
}

const stem = (path: string) => basename(path, extname(path));
const percent = (x: number) => `${(100 * x).toFixed(2)}%`;
const shortNumber = (x: number) => (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4) || x === 0 ? String(Number(x.toPrecision(4))) : x.toExponential(2);

// ---------------------------------------------------------------------------------------------------------
// plot run

export interface PlotRunReport {
  readonly files: PlotFiles;
  readonly epochs: number;
  readonly evaluations: number;
}

function timeAxis(maxSeconds: number): { unit: string; divide: number } {
  if (maxSeconds >= 3 * 3600) return { unit: 'h', divide: 3600 };
  if (maxSeconds >= 180) return { unit: 'min', divide: 60 };
  return { unit: 's', divide: 1 };
}

/**
 * `kirchhoff plot run <run-dir>`: loss and accuracy of the training and test sets against epochs and
 * against wall-clock time, from the run's metrics.jsonl (the test curve includes mid-epoch evaluations).
 */
export async function plotRunCommand(target: string, options: OutOptions, io: CliIo): Promise<PlotRunReport> {
  const absolute = resolve(io.cwd, target);
  const isDir = existsSync(absolute) && statSync(absolute).isDirectory();
  const metricsPath = isDir ? join(absolute, RUN_FILES.metrics) : absolute;
  const shown = isDir ? join(target, RUN_FILES.metrics) : target;
  let text: string;
  try {
    text = await readFile(metricsPath, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CliError([
      issueIn(
        shown,
        missing ? 'file-not-found' : 'file-unreadable',
        missing ? (isDir ? `no ${RUN_FILES.metrics} in ${target}: not a run dir of kirchhoff train, or no epoch has finished yet` : 'no such run dir or metrics file') : (err as Error).message,
      ),
    ]);
  }
  const plot = await plotModule();
  const metrics = orThrow(plot.parseMetrics(text, shown));
  const { epochs, evaluations } = metrics;
  if (epochs.length === 0 && evaluations.length === 0) throw new CliError([issueIn(shown, 'no-metrics', 'no epoch or evaluation records yet')]);

  // Mid-epoch evaluations sit at fractional epochs: iterations per epoch from the epoch records.
  const perEpoch = epochs.length ? epochs[epochs.length - 1].iteration / epochs[epochs.length - 1].epoch : undefined;
  const tests = [
    ...epochs.map((m) => ({ epoch: m.epoch, seconds: m.seconds, loss: m.testLoss, accuracy: m.testAccuracy })),
    ...evaluations.map((m) => ({ epoch: perEpoch ? m.iteration / perEpoch : NaN, seconds: m.seconds, loss: m.testLoss, accuracy: m.testAccuracy })),
  ].sort((a, b) => a.seconds - b.seconds);
  const trains = epochs.map((m) => ({ epoch: m.epoch, seconds: m.seconds, loss: m.trainLoss, accuracy: m.trainAccuracy }));
  const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const hasAccuracy = [...tests, ...trains].some((r) => isNumber(r.accuracy));
  const losses = [...tests, ...trains].map((r) => r.loss).filter((v) => isNumber(v) && v > 0);
  const logLoss = losses.length > 1 && losses.length === [...tests, ...trains].filter((r) => isNumber(r.loss)).length && Math.max(...losses) / Math.min(...losses) > 30;
  const maxSeconds = Math.max(...tests.map((r) => r.seconds), ...trains.map((r) => r.seconds));
  const time = timeAxis(maxSeconds);
  const markers = tests.length <= 60;

  type Row = (typeof tests)[number];
  const series = (x: (r: Row) => number, y: (r: Row) => number): Series[] => [
    { name: 'train', points: trains.map((r) => ({ x: x(r), y: y(r) ?? NaN })), markers },
    { name: 'test', points: tests.map((r) => ({ x: x(r), y: y(r) ?? NaN })).sort((a, b) => a.x - b.x), markers },
  ];
  const byEpoch = (r: Row) => r.epoch;
  const byTime = (r: Row) => r.seconds / time.divide;
  const lossAxis = { title: 'loss', scale: logLoss ? ('log' as const) : ('linear' as const) };
  const accuracyAxis = { title: 'accuracy (%)' };
  const acc = (r: Row) => 100 * (r.accuracy ?? NaN);
  const panels = [
    plot.lineChart({ title: 'Loss by epoch', x: { title: 'epoch', integer: true }, y: lossAxis, series: series(byEpoch, (r) => r.loss), width: 360, height: 220 }),
    ...(hasAccuracy ? [plot.lineChart({ title: 'Accuracy by epoch', x: { title: 'epoch', integer: true }, y: accuracyAxis, series: series(byEpoch, acc), width: 360, height: 220 })] : []),
    plot.lineChart({ title: 'Loss over time', x: { title: `wall-clock time (${time.unit})`, zero: true }, y: lossAxis, series: series(byTime, (r) => r.loss), width: 360, height: 220 }),
    ...(hasAccuracy ? [plot.lineChart({ title: 'Accuracy over time', x: { title: `wall-clock time (${time.unit})`, zero: true }, y: accuracyAxis, series: series(byTime, acc), width: 360, height: 220 })] : []),
  ];
  const last = epochs[epochs.length - 1];
  const runName = isDir ? basename(absolute) : basename(dirname(absolute));
  const summary = last
    ? `${epochs.length} epoch${epochs.length === 1 ? '' : 's'} in ${shortNumber(last.seconds / time.divide)} ${time.unit}; final test ${hasAccuracy && isNumber(last.testAccuracy) ? `accuracy ${percent(last.testAccuracy)}` : `loss ${shortNumber(last.testLoss)}`}`
    : `no finished epoch yet; ${evaluations.length} evaluation${evaluations.length === 1 ? '' : 's'}`;
  const subtitle = [
    summary,
    `train: mean over each epoch, at its end; test: the test split after each epoch${evaluations.length ? ` and at ${evaluations.length} mid-epoch evaluation${evaluations.length === 1 ? '' : 's'}` : ''}`,
  ];
  const chart = plot.gridChart(panels, { columns: 2, title: `Training run ${runName}`, subtitle });
  const rendered = await drawn(() => plot.renderChart(chart));
  const files = await emit(rendered, options.out, `${runName}-training`, io);
  return { files, epochs: epochs.length, evaluations: evaluations.length };
}

// ---------------------------------------------------------------------------------------------------------
// Models to draw and simulate: circuit files, training configs and run dirs

export interface SourceOptions {
  readonly plugin?: readonly string[];
}

/** A model from a circuit file or a training run, with what plots say about it. */
interface ModelSource {
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
function located<T>(file: string, run: () => T): T {
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
async function loadModelSource(target: string, options: SourceOptions & { split?: 'test' | 'train' }, io: CliIo, maxNodes?: { limit: number; what: string }): Promise<ModelSource> {
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

// ---------------------------------------------------------------------------------------------------------
// plot trajectory

export interface PlotTrajectoryOptions extends OutOptions, SourceOptions {
  readonly sample?: number;
  readonly nodes?: readonly number[];
  /** Save times, evenly spaced over [0, T] (default 201). */
  readonly points?: number;
  readonly split?: 'test' | 'train';
}

export interface PlotTrajectoryReport {
  readonly files: PlotFiles;
  readonly nodes: readonly number[];
  readonly times: readonly number[];
  /** voltages[i][k]: node nodes[i] at times[k]. */
  readonly voltages: readonly (readonly number[])[];
}

/** At most this many curves in one plot: beyond it colours repeat and the legend overflows. */
const MAX_TRAJECTORY_NODES = 20;

/**
 * `kirchhoff plot trajectory <circuit-file or run>`: the voltages of chosen nodes of one sample over the
 * whole run, with the slice boundaries marked.
 */
export async function plotTrajectoryCommand(target: string, options: PlotTrajectoryOptions, io: CliIo): Promise<PlotTrajectoryReport> {
  const src = await loadModelSource(target, options, io);
  const N = src.model.numNodes;
  const sample = options.sample ?? 0;
  if (!Number.isInteger(sample) || sample < 0 || sample >= src.samples) {
    throw usage('--sample', `sample ${sample} does not exist: ${target} has ${src.samples} sample${src.samples === 1 ? '' : 's'} (0..${src.samples - 1})`, 'sample-out-of-range');
  }
  let nodes: readonly number[];
  if (options.nodes !== undefined) {
    const bad = options.nodes.filter((n) => !Number.isInteger(n) || n < 1 || n > N);
    if (bad.length) throw usage('--nodes', `node${bad.length === 1 ? '' : 's'} ${bad.join(', ')} not in 1..${N}`, 'node-out-of-range');
    if (options.nodes.length > MAX_TRAJECTORY_NODES) throw usage('--nodes', `at most ${MAX_TRAJECTORY_NODES} nodes per plot, got ${options.nodes.length}`);
    nodes = [...new Set(options.nodes)];
  } else if (N <= 10) {
    nodes = Array.from({ length: N }, (_, i) => i + 1);
  } else if (src.readout && src.readout.length <= MAX_TRAJECTORY_NODES) {
    nodes = src.readout;
  } else {
    nodes = Array.from({ length: Math.min(N, 10) }, (_, i) => i + 1);
    if (N > 10) io.err(`showing nodes 1–10 of ${N}; choose others with --nodes\n`);
  }
  const points = options.points ?? 201;
  if (!Number.isInteger(points) || points < 2 || points > 100_000) throw usage('--points', `expected a whole number of save times in 2..100000, got ${points}`);

  const spans = sliceBoundaries(src.model);
  const end = spans[spans.length - 1].t1;
  const times = Array.from({ length: points }, (_, k) => (k === points - 1 ? end : (end * k) / (points - 1)));
  const result = located(target, () => simulate({ model: src.model, input: src.input(sample), batch: 1, setup: src.setup, saveAt: times }));
  const voltages = nodes.map((n) => result.states.map((s) => s[n - 1]));

  const plot = await plotModule();
  const readoutIndex = new Map((src.readout ?? []).map((n, i) => [n, i]));
  const label = (n: number) => (readoutIndex.has(n) ? `v${n} (output ${readoutIndex.get(n)})` : `v${n}`);
  const chart = plot.lineChart({
    title: `Node voltages of ${src.name}, ${src.sampleText(sample)}`,
    subtitle: [
      [src.description, `${N} nodes, ${src.model.slices.length} slice${src.model.slices.length === 1 ? '' : 's'} over [0, ${shortNumber(end)}] s`, `solver ${src.solverName}`].filter(Boolean).join('; '),
      ...(src.parameters ? [src.parameters] : []),
    ],
    x: { title: 'time (s)', domain: [0, end] },
    y: { title: 'voltage (V)' },
    series: nodes.map((n, i) => ({ name: label(n), points: times.map((t, k) => ({ x: t, y: voltages[i][k] })) })),
    rules: spans.slice(1).map((s, i) => ({ x: s.t0, label: `slice ${i + 1}` })),
    legend: 'node',
    width: 560,
    height: 320,
  });
  const rendered = await drawn(() => plot.renderChart(chart));
  const files = await emit(rendered, options.out, `${src.name}-trajectory-${sample}`, io);
  return { files, nodes, times, voltages };
}

// ---------------------------------------------------------------------------------------------------------
// plot iv

export interface PlotIvOptions extends OutOptions, SourceOptions {
  /** `name=value`, one per parameter to set. */
  readonly param?: readonly string[];
  /** `a:b`, the sweep of v = vs − vd (default -2:2). */
  readonly range?: string;
  /** The destination voltage held fixed during the sweep (default 0). */
  readonly vd?: number;
  readonly points?: number;
}

export interface IvPoint {
  /** vs − vd. */
  readonly v: number;
  readonly current: number;
  readonly dIdVs: number;
  readonly dIdVd: number;
}

export interface PlotIvReport {
  readonly files: PlotFiles;
  readonly type: string;
  readonly params: Readonly<Record<string, number>>;
  readonly points: readonly IvPoint[];
}

/** The value a parameter takes unless set: a constant init as it is, otherwise (random inits) 1. */
function defaultValue(init: InitSpec | undefined): number {
  if (typeof init === 'number') return init;
  if (init === 'zeros') return 0;
  return 1;
}

function resolveType(catalog: BranchCatalog, id: string): CompiledBranchType {
  let result: E.Either<Issue[], CompiledBranchType>;
  if (catalog.types.has(id)) result = catalog.resolve(catalog.types.byName(id).name);
  else if (catalog.families.has(id)) result = catalog.resolve({ family: catalog.families.byName(id).name });
  else {
    const known = [...catalog.types.list(), ...catalog.families.list()].map((t) => t.name).join(', ');
    throw new CliError([{ code: 'unknown-branch-type', message: `no branch type or family '${id}'; known: ${known}`, where: id }]);
  }
  return orThrow(E.mapLeft((issues: Issue[]) => issues.map((i) => ({ ...i, where: i.where ?? id })))(result));
}

function parseRange(text: string): [number, number] {
  const match = /^\s*(-?[\d.eE+-]+)\s*:\s*(-?[\d.eE+-]+)\s*$/.exec(text);
  const a = match ? Number(match[1]) : NaN;
  const b = match ? Number(match[2]) : NaN;
  if (!Number.isFinite(a) || !Number.isFinite(b) || !(a < b)) throw usage('--range', `expected a:b with a < b (volts), got '${text}'`);
  return [a, b];
}

/**
 * `kirchhoff plot iv <branch-type>`: the branch current I against v = vs − vd at a fixed vd (default 0), and
 * its derivatives ∂I/∂vs (and, for controlled types, ∂I/∂vd) from the law core compiled.
 */
export async function plotIvCommand(id: string, options: PlotIvOptions, io: CliIo): Promise<PlotIvReport> {
  const plugins = await pluginsFor(undefined, options.plugin ?? [], io.cwd);
  const catalog = orThrow(E.mapLeft((issues: Issue[]) => issues.map((i) => issueIn('plot iv', i.code, i.message)))(branchCatalog(createContainer(plugins))));
  const type = resolveType(catalog, id);
  const { definition, law, paramNames } = type;
  const values = definition.meta.params.map((p) => defaultValue(p.init ?? definition.meta.init));
  const given = new Set<string>();
  for (const assignment of options.param ?? []) {
    const match = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.+?)\s*$/.exec(assignment);
    if (!match) throw usage('--param', `expected name=value, got '${assignment}'`);
    const [, name, text] = match;
    const k = paramNames.indexOf(name);
    if (k < 0) {
      throw usage('--param', `'${definition.name}' has no parameter '${name}'; its parameters: ${paramNames.join(', ') || 'none'}`, 'unknown-param');
    }
    if (given.has(name)) throw usage('--param', `${name} is given twice`);
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw usage('--param', `${name}: expected a number, got '${text}'`, 'invalid-param-value');
    given.add(name);
    values[k] = value;
  }
  const [a, b] = parseRange(options.range ?? '-2:2');
  const vd = options.vd ?? 0;
  const count = options.points ?? 401;
  if (!Number.isInteger(count) || count < 2 || count > 100_000) throw usage('--points', `expected a whole number of points in 2..100000, got ${count}`);
  const vsIndex = law.law.ports.indexOf('vs');
  const vdIndex = law.law.ports.indexOf('vd');
  if (law.law.ports.length !== 2 || vsIndex < 0 || vdIndex < 0) {
    throw new CliError([{ code: 'not-two-terminal', message: `'${definition.name}' has ports ${law.law.ports.join(', ')}; an I-V curve needs a two-terminal (vs, vd) law`, where: id }]);
  }
  const points: IvPoint[] = Array.from({ length: count }, (_, i) => {
    const v = i === count - 1 ? b : a + ((b - a) * i) / (count - 1);
    const voltages = [0, 0];
    voltages[vsIndex] = vd + v;
    voltages[vdIndex] = vd;
    const at = law.evaluateAt(voltages, values);
    return { v, current: at.currents[0], dIdVs: at.dV[vsIndex], dIdVd: at.dV[vdIndex] };
  });

  const plot = await plotModule();
  const params = Object.fromEntries(paramNames.map((name, k) => [name, values[k]]));
  const paramText = paramNames.length ? paramNames.map((name, k) => `${name} = ${shortNumber(values[k])}${given.has(name) ? '' : '*'}`).join(', ') : 'no parameters';
  const defaulted = paramNames.some((name) => !given.has(name));
  const subtitle = [
    `I = ${law.currentTrees[0].toString()}`,
    `${paramText}${defaulted ? ' (* not set: a constant init, else 1)' : ''}; vd = ${shortNumber(vd)} V`,
  ];
  const controlled = definition.meta.kind === 'controlled';
  const chart = plot.gridChart(
    [
      plot.lineChart({ title: 'Current', x: { title: 'v = vs − vd (V)', domain: [a, b] }, y: { title: 'I (A)' }, series: [{ name: 'I', points: points.map((p) => ({ x: p.v, y: p.current })) }], width: 360, height: 260 }),
      plot.lineChart({
        title: controlled ? 'Derivatives' : 'Derivative (differential conductance)',
        x: { title: 'v = vs − vd (V)', domain: [a, b] },
        y: { title: controlled ? '∂I/∂v (S)' : '∂I/∂vs (S)' },
        series: [
          { name: '∂I/∂vs', points: points.map((p) => ({ x: p.v, y: p.dIdVs })) },
          ...(controlled ? [{ name: '∂I/∂vd', points: points.map((p) => ({ x: p.v, y: p.dIdVd })) }] : []),
        ],
        width: 360,
        height: 260,
      }),
    ],
    { columns: 2, title: `I-V curve of ${definition.name} (${controlled ? `controlled: vd held at ${shortNumber(vd)} V` : 'Δ-type: a function of vs − vd'})`, subtitle },
  );
  const rendered = await drawn(() => plot.renderChart(chart));
  const files = await emit(rendered, options.out, `${definition.name}-iv`, io);
  return { files, type: definition.name, params, points };
}

// ---------------------------------------------------------------------------------------------------------
// plot sigma

export interface PlotSigmaOptions extends OutOptions {
  readonly title?: string;
  readonly logX?: boolean;
}

export interface PlotSigmaReport {
  readonly files: PlotFiles;
  readonly summary: readonly import('../plot').SigmaSummary[];
}

/** `kirchhoff plot sigma <csv>`: accuracy (mean ± one standard deviation over seeds) against a noise level σ. */
export async function plotSigmaCommand(file: string, options: PlotSigmaOptions, io: CliIo): Promise<PlotSigmaReport> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CliError([issueIn(file, missing ? 'file-not-found' : 'file-unreadable', missing ? 'no such file' : (err as Error).message)]);
  }
  const plot = await plotModule();
  const rows = orThrow(plot.parseSigmaCsv(text, file));
  const summary = plot.summarizeSigma(rows);
  const counts = [...new Set(summary.map((s) => s.n))].sort((x, y) => x - y);
  const runs = counts.length === 1 ? `${counts[0]}` : `${counts[0]}–${counts[counts.length - 1]}`;
  const chart = plot.sigmaChart(rows, {
    ...(options.title !== undefined && { title: options.title }),
    subtitle: `${file}: mean over ${runs} run${runs === '1' ? '' : 's'} per σ, band ± one standard deviation, dots the runs`,
    ...(options.logX && { logX: true }),
  });
  const rendered = await drawn(() => plot.renderChart(chart));
  const files = await emit(rendered, options.out, `${stem(file)}-sigma`, io);
  return { files, summary };
}

// ---------------------------------------------------------------------------------------------------------
// plot circuit

export interface PlotCircuitOptions extends OutOptions, SourceOptions {
  readonly slice?: number;
}

export interface PlotCircuitReport {
  readonly files: PlotFiles;
  readonly nodes: number;
  readonly edges: number;
}

/** `kirchhoff plot circuit <file>`: a drawing of one slice's circuit (nodes, branches, ground, capacitors). */
export async function plotCircuitCommand(target: string, options: PlotCircuitOptions, io: CliIo): Promise<PlotCircuitReport> {
  const { MAX_DRAWN_NODES, circuitSvg, renderSvg } = await plotModule();
  const src = await loadModelSource(target, options, io, { limit: MAX_DRAWN_NODES, what: 'a circuit drawing' });
  const slices = src.model.slices;
  const index = options.slice ?? 0;
  if (!Number.isInteger(index) || index < 0 || index >= slices.length) {
    throw usage('--slice', `slice ${index} does not exist: ${target} has ${slices.length} slice${slices.length === 1 ? '' : 's'} (0..${slices.length - 1})`, 'slice-out-of-range');
  }
  const { circuit, duration } = slices[index];
  const edges = circuit.groups.flatMap((g) => Array.from(g.src, (s, e) => ({ src: s, dst: g.dst[e], type: g.type.definition.name })));
  const svg = circuitSvg({
    title: `Circuit of ${src.name}${slices.length > 1 ? `, slice ${index}` : ''}`,
    subtitle: [
      ...(src.description ? [src.description] : []),
      `${circuit.numNodes} nodes and ground, ${edges.length} branch${edges.length === 1 ? '' : 'es'}; slice ${index} of ${slices.length}, ${shortNumber(duration)} s`,
    ],
    numNodes: circuit.numNodes,
    edges,
    capacitance: circuit.capacitance,
    ...(src.roles && { roles: src.roles }),
  });
  const rendered = await drawn(() => renderSvg(svg));
  const files = await emit(rendered, options.out, `${src.name}-circuit`, io);
  return { files, nodes: circuit.numNodes, edges: edges.length };
}

// ---------------------------------------------------------------------------------------------------------
// Registration

const parseNodes = (value: string): number[] => value.split(',').map((part) => parseIndex(part.trim()));
const outOption = (example: string) => new Option('--out <path>', `output path without extension: writes <path>.svg and <path>.png (default: ${example} in the working directory)`);

/** Adds `kirchhoff plot …` to the program. */
export function addPlotCommands(program: Command, io: CliIo): void {
  const plot = program
    .command('plot')
    .description('draw plots as SVG and PNG (no browser): training curves, node voltages, I-V curves, accuracy vs σ, circuits')
    .addHelpText('after', '\nSee docs/plots.md.\n');

  plot
    .command('run')
    .description("loss and accuracy (train and test) against epochs and wall-clock time, from a run's metrics.jsonl")
    .argument('<run-dir>', 'a run dir of `kirchhoff train`, or its metrics.jsonl')
    .addOption(outOption('<run name>-training'))
    .action(async (target: string, options) => {
      await plotRunCommand(target, options, io);
    });

  plot
    .command('trajectory')
    .description('node voltages of one sample over time, simulated at evenly spaced save times')
    .argument('<file>', 'circuit file, training config, or run dir (its checkpoint parameters)')
    .option('--sample <k>', "the circuit file's input row, or the split's sample (default 0)", parseIndex)
    .option('--nodes <n1,n2,...>', 'nodes to show (default: all of up to 10 nodes, else a run\'s readout nodes, else nodes 1–10)', parseNodes)
    .option('--points <n>', 'save times over [0, T] (default 201)', parseIndex)
    .addOption(new Option('--split <split>', 'runs and training configs: the split the sample comes from').choices(['test', 'train']).default('test'))
    .addOption(outOption('<name>-trajectory-<k>'))
    .addOption(pluginOption())
    .action(async (target: string, options) => {
      await plotTrajectoryCommand(target, options, io);
    });

  plot
    .command('iv')
    .description("a branch type's current I(v), v = vs − vd, and its derivative ∂I/∂vs from the compiled law")
    .argument('<branch-type>', 'branch type id or alias (or a family: its member with no options)')
    .option('--param <name=value>', 'a parameter value (repeatable); unset parameters take their constant init, else 1', collect, [])
    .option('--range <a:b>', 'sweep of v in volts (default -2:2)')
    .option('--vd <x>', 'destination voltage held fixed (default 0)', parseNumber)
    .option('--points <n>', 'points of the sweep (default 401)', parseIndex)
    .addOption(outOption('<type>-iv'))
    .addOption(pluginOption())
    .addHelpText('after', '\nExample:\n  kirchhoff plot iv tunnel-diode --range 0:0.6\n')
    .action(async (id: string, options) => {
      await plotIvCommand(id, options, io);
    });

  plot
    .command('sigma')
    .description('accuracy against a noise level σ: mean ± one standard deviation over seeds (CSV: sigma,seed,accuracy[,series])')
    .argument('<csv>', 'CSV with a header naming sigma and accuracy (seed, series optional); see docs/plots.md')
    .option('--title <text>', 'chart title (default: Accuracy vs σ)')
    .option('--log-x', 'logarithmic σ axis (drops σ = 0)')
    .addOption(outOption('<csv name>-sigma'))
    .action(async (file: string, options) => {
      await plotSigmaCommand(file, options, io);
    });

  plot
    .command('circuit')
    .description('a drawing of a small circuit (≤ 40 nodes): nodes, branches as arrows by type, ground, capacitors')
    .argument('<file>', 'circuit file, training config, or run dir')
    .option('--slice <i>', 'which slice to draw (default 0)', parseIndex)
    .addOption(outOption('<name>-circuit'))
    .addOption(pluginOption())
    .action(async (target: string, options) => {
      await plotCircuitCommand(target, options, io);
    });
}
