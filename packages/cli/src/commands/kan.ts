import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  encodeParams,
  evaluateModel,
  kanCircuitReport,
  kanOutputNode,
  layerClosedForm,
  NOISE_DISTRIBUTIONS,
  noiseSweep,
  pruneEdges,
  rankedEdges,
  runNgspice,
  writeKanSpiceNetlist,
  type NoiseDistribution,
} from '@kirchhoff/core';
import { Command, Option } from 'commander';
import type { CliIo } from '../io';
import { CliError, issueIn } from '../issues';
import { edgeChart } from '../kan/edge-chart';
import { loadKanRun, type KanRun } from '../kan/run';
import { parseCount, parseIndex, parseNumber, parseNumberList, pluginOption } from '../option-parsers';
import { writeFileAtomic } from '../output';
import { plotBase, renderChart, sigmaChart, sigmaCsv, writePlot } from '../plot/index';

/** KANalogue's σ grid (kanalogue.md §7). */
export const KANALOGUE_SIGMAS = [0, 0.01, 0.05, 0.09, 0.13, 0.17, 0.21, 0.26, 0.31, 0.36, 0.41, 0.46];

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

/** `kan report`: parameters, and the circuit: devices, TIAs, crossbar rows × columns, conductances. */
export function kanReport(run: KanRun, io: CliIo): ReturnType<typeof kanCircuitReport> {
  const { model } = run.plan;
  const circuit = kanCircuitReport(model);
  const lines = [
    `${run.checkpointPath}: ${run.plan.kind} [${model.spec.widths.join(', ')}], ${model.parameterCount} parameters (epoch ${run.checkpoint.epoch})`,
    ...circuit.layers.map(
      (l, k) =>
        `  layer ${k}: ${l.devices} devices and TIAs (${model.layout[k].nIn} inputs × ${model.layout[k].D} bases), crossbar ${l.crossbarRows} × ${l.crossbarColumns}, ` +
        `${l.coefficients} non-zero coefficients = ${l.conductances} conductances (differential pairs), ${l.summingNodes} summing nodes`,
    ),
    `  total: ${circuit.devices} devices, ${circuit.crossbarCells} crossbar cells, ${circuit.conductances} conductances, ${circuit.summingNodes} summing nodes`,
  ];
  io.out(`${lines.join('\n')}\n`);
  return circuit;
}

export function addKanCommands(program: Command, io: CliIo): void {
  const kan = program.command('kan').description('inspect a trained KAN (KANalogue): circuit report, edge plots, pruning, closed forms, noise sweep, SPICE');

  kan
    .command('report')
    .description('parameter count, device count and crossbar sizes of a trained KAN')
    .argument('<run>', 'run dir (or checkpoint) of a model.kind kan run')
    .addOption(pluginOption())
    .action(async (target: string, options) => {
      kanReport(await loadKanRun(target, io, options.plugin ?? []), io);
    });

  kan
    .command('edges')
    .description("plot every edge's learned function Σ_d c·φ_d (the top k by magnitude per layer), as SVG and PNG")
    .argument('<run>', 'run dir (or checkpoint)')
    .option('--out <dir>', 'output folder (default <run>/edges)')
    .option('--top <k>', 'edges per layer, largest max|c| first (default 16); 0 for every edge', (v: string) => (v === '0' ? 0 : parseCount(v)))
    .option('--layer <l>', 'only this layer', parseIndex)
    .option('--range <low:high>', 'inputs drawn (default: the bases’ input range, widened to the pre-function’s)')
    .addOption(pluginOption())
    .action(async (target: string, options) => {
      const run = await loadKanRun(target, io, options.plugin ?? []);
      const { model } = run.plan;
      const dir = resolve(io.cwd, options.out ?? join(run.runDir, 'edges'));
      const layers = options.layer !== undefined ? [options.layer as number] : model.layout.map((_, l) => l);
      for (const l of layers) {
        if (l >= model.layout.length) throw new CliError([issueIn('--layer', 'layer-out-of-range', `the model has layers 0..${model.layout.length - 1}`)]);
        const ranked = rankedEdges(model, l).filter((e) => e.magnitude > 0);
        const edges = options.top === 0 ? ranked : ranked.slice(0, options.top ?? 16);
        const range = parseRange(options.range) ?? defaultRange(run, l);
        const chart = edgeChart(model, edges, { range, title: `${run.plan.decoded.config.description ?? 'KAN'}: layer ${l}`, subtitle: `${edges.length} of ${ranked.length} edges, largest max|c| first` });
        const paths = await writePlot(plotBase(join(dir, `layer-${l}-edges`)), await renderChart(chart));
        io.err(`layer ${l}: ${edges.length} edges → ${paths.svg}, ${paths.png}\n`);
      }
    });

  kan
    .command('prune')
    .description('remove edges whose max_d |c| is below a threshold; write a pruned checkpoint and report the edges left and the test accuracy')
    .argument('<run>', 'run dir (or checkpoint)')
    .requiredOption('--threshold <t>', 'edges with max|c| < t are removed (0: none, Infinity: all but the biases)', (v: string) => (/^\+?inf(inity)?$/i.test(v) ? Infinity : parseNumber(v)))
    .option('--out <file>', 'pruned checkpoint (default <run>/pruned-<t>.json)')
    .addOption(pluginOption())
    .action(async (target: string, options) => {
      const run = await loadKanRun(target, io, options.plugin ?? []);
      const { model } = run.plan;
      const before = evaluateModel(model, run.plan.test, run.plan.loss, run.plan.evalBatchSize);
      const { kept, total } = pruneEdges(model, options.threshold);
      const after = evaluateModel(model, run.plan.test, run.plan.loss, run.plan.evalBatchSize);
      const out = resolve(io.cwd, options.out ?? join(run.runDir, `pruned-${options.threshold}.json`));
      await writeFileAtomic(out, JSON.stringify({ ...run.checkpoint, params: encodeParams(model.params) }));
      io.out(
        `pruned at max|c| < ${options.threshold}: ${kept.map((k, l) => `layer ${l} ${k}/${total[l]}`).join(', ')} edges left; ` +
          `test accuracy ${percent(before.accuracy)} → ${percent(after.accuracy)}; ${kanCircuitReport(model).conductances} conductances\n  → ${out}\n`,
      );
    });

  kan
    .command('export')
    .description('every edge in closed form (b + Σ_i Σ_d c·φ_d(pre(x_i)) with each device’s law) as JSON')
    .argument('<run>', 'run dir (or checkpoint)')
    .option('--out <file>', 'JSON file (default: stdout)')
    .addOption(pluginOption())
    .action(async (target: string, options) => {
      const run = await loadKanRun(target, io, options.plugin ?? []);
      const { model } = run.plan;
      const text = `${JSON.stringify({ widths: model.spec.widths, norm: model.spec.norm, layers: model.layout.map((_, l) => layerClosedForm(model, l)) }, null, 1)}\n`;
      if (options.out === undefined) io.out(text);
      else await writeFileAtomic(resolve(io.cwd, options.out), text);
    });

  kan
    .command('noise')
    .description('accuracy under coefficient noise c·(1 + σ·n), n fresh per test batch (KANalogue §7): a σ CSV and its plot')
    .argument('<run>', 'run dir (or checkpoint)')
    .option('--sigmas <list>', `comma-separated σ values (default KANalogue's ${KANALOGUE_SIGMAS.join(',')})`, parseNumberList)
    .addOption(new Option('--distribution <law>', 'noise law, unit variance').choices([...NOISE_DISTRIBUTIONS]).default('binary'))
    .option('--seeds <n>', 'repetitions (seeds 0..n−1)', parseCount, 3)
    .option('--limit <n>', 'only the first n test samples', parseCount)
    .option('--out <base>', 'output path without extension (default <run>/noise-<distribution>): .csv, .svg, .png')
    .addOption(pluginOption())
    .action(async (target: string, options) => {
      const run = await loadKanRun(target, io, options.plugin ?? []);
      if (run.plan.loss.meta.targets !== 'class-index') {
        throw new CliError([issueIn(target, 'noise-needs-classification', `the noise sweep reports accuracy; this run's loss is ${run.plan.loss.name}`)]);
      }
      const distribution = options.distribution as NoiseDistribution;
      const test = run.plan.test;
      const data = options.limit !== undefined && options.limit < test.count ? { ...test, count: options.limit } : test;
      const rows = noiseSweep(run.plan.model, data, run.plan.loss, { sigmas: options.sigmas ?? KANALOGUE_SIGMAS, distribution, repetitions: options.seeds, batchSize: run.plan.evalBatchSize });
      const base = resolve(io.cwd, options.out ?? join(run.runDir, `noise-${distribution}`));
      mkdirSync(resolve(base, '..'), { recursive: true });
      writeFileSync(`${base}.csv`, `# kirchhoff kan noise ${target}: c' = c(1 + sigma n), n ${distribution}, fresh per batch of ${run.plan.evalBatchSize}; ${data.count} test samples\n${sigmaCsv(rows.map((r) => ({ sigma: r.sigma, seed: r.seed, accuracy: r.accuracy, series: distribution })))}`);
      const chart = sigmaChart(rows.map((r) => ({ ...r, series: distribution })), { title: `${run.plan.decoded.config.description ?? 'KAN'}: coefficient noise`, subtitle: `c·(1 + σ·n), n ${distribution}, ${options.seeds} seeds, ${data.count} test samples` });
      const paths = await writePlot(base, await renderChart(chart));
      const bySigma = new Map<number, number[]>();
      for (const r of rows) bySigma.set(r.sigma, [...(bySigma.get(r.sigma) ?? []), r.accuracy]);
      io.out(`sigma,mean accuracy,min,max (${distribution}, ${options.seeds} seeds)\n`);
      for (const [sigma, accs] of bySigma) io.out(`${sigma},${percent(accs.reduce((s, a) => s + a, 0) / accs.length)},${percent(Math.min(...accs))},${percent(Math.max(...accs))}\n`);
      io.err(`→ ${base}.csv, ${paths.svg}, ${paths.png}\n`);
    });

  kan
    .command('spice')
    .description('an ngspice netlist of the KAN for one test sample (devices, TIAs, differential crossbar, summing amplifiers); --check runs ngspice and compares')
    .argument('<run>', 'run dir (or checkpoint)')
    .option('--sample <i>', 'test sample index', parseIndex, 0)
    .option('--out <file>', 'netlist file (default: stdout)')
    .option('--check', 'run ngspice and compare its outputs with the model’s')
    .addOption(pluginOption())
    .action(async (target: string, options) => {
      const run = await loadKanRun(target, io, options.plugin ?? []);
      await kanSpice(run, options.sample, options.out, Boolean(options.check), io);
    });
}

export async function kanSpice(run: KanRun, sample: number, out: string | undefined, check: boolean, io: CliIo): Promise<number | undefined> {
  const { model, test, functions } = run.plan;
  if (sample >= test.count) throw new CliError([issueIn('--sample', 'sample-out-of-range', `the test split has samples 0..${test.count - 1}`)]);
  const input = test.inputs.subarray(sample * test.inputDim, (sample + 1) * test.inputDim);
  const netlist = writeKanSpiceNetlist({ model, input, functions, title: run.plan.decoded.config.description });
  if (out !== undefined) await writeFileAtomic(resolve(io.cwd, out), netlist);
  else if (!check) io.out(netlist);
  if (!check) return undefined;
  const result = await runNgspice(writeKanSpiceNetlist({ model, input, functions, dataFile: 'kan.data' }), 'kan.data');
  const expected = new Float64Array(model.outputWidth);
  model.forwardBatch(Float64Array.from(input), 1, false, expected);
  let worst = 0;
  for (let o = 0; o < model.outputWidth; o++) {
    // ngspice writes named nodes under their bare names.
    const name = kanOutputNode(model, o);
    const v = result.vectors.get(name) ?? result.vectors.get(`v(${name})`);
    if (!v) throw new CliError([issueIn('ngspice', 'ngspice-failed', `ngspice wrote no voltage for node ${name}`)]);
    worst = Math.max(worst, Math.abs(v[v.length - 1] - expected[o]));
  }
  io.out(`ngspice vs model on test sample ${sample}: max |Δy| = ${worst.toExponential(2)} over ${model.outputWidth} outputs\n`);
  return worst;
}

function parseRange(text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const [low, high] = text.split(':').map(Number);
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(high > low)) throw new CliError([issueIn('--range', 'invalid-range', `expected low:high with low < high, got '${text}'`)]);
  return [low, high];
}

function defaultRange(run: KanRun, layer: number): [number, number] {
  const spec = run.plan.model.spec.layers[layer];
  const scaled = spec.bases.flatMap((b) => ('scaling' in b ? [(b as { scaling: { inputLow: number; inputHigh: number } }).scaling] : []));
  const low = Math.min(0, ...scaled.map((s) => s.inputLow));
  const high = Math.max(1.2, ...scaled.map((s) => s.inputHigh));
  const widen = spec.pre === 'clamp' ? 0.2 : 0.3;
  return [low - widen, high + widen];
}
