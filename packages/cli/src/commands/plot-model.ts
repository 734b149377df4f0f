import { sliceBoundaries } from '@kirchhoff/core';
import { simulate } from '../engine';
import type { CliIo } from '../io';
import { drawn, emit, plotModule, shortNumber, usage, type OutOptions, type PlotFiles } from './plot-common';
import { loadModelSource, located, type SourceOptions } from './plot-source';

/* `plot trajectory` and `plot circuit`: a model's node voltages over time, and a drawing of one slice. */

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
