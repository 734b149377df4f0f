import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { KirchhoffError, snapshotNetwork, ValidationError } from '@kirchhoff/core';
import type { BinaryFormat } from '../config/binary';
import { firstSamples, loadTrainedNetwork } from '../config/trained-network';
import { orThrow } from '../config/train-run-dir';
import type { CliIo } from '../io';
import { CliError, issueIn } from '../issues';
import { writeFileAtomic } from '../output';
import type { AnalysisContext, AnalysisKind, Measurement } from './kind';
import { rowsCsv, summarize, summaryCsv, summaryTable, type AnalysisRow, type SummaryRow } from './report';
import { resolveSettings, type SettingOptions } from './settings';

export interface AnalyzeOptions extends SettingOptions {
  readonly split?: 'test' | 'train';
  /** Only the first n samples of the split. */
  readonly limit?: number;
  /** Default: the config's evalBatchSize, as `kirchhoff eval`. */
  readonly batchSize?: number;
  /** The folder for the CSVs and the plot (default analysis/<run or config name>). */
  readonly out?: string;
  /** Replace earlier results of the same analysis in `out`. */
  readonly force?: boolean;
  readonly json?: boolean;
  readonly plugin?: readonly string[];
  readonly weights?: readonly string[];
  readonly weightsFormat?: BinaryFormat;
  readonly topologyFile?: string;
}

export interface AnalysisFiles {
  readonly csv: string;
  readonly summary: string;
  readonly svg: string;
  readonly png: string;
}

export interface AnalyzeReport {
  readonly kind: string;
  readonly target: string;
  /** Where the parameters came from: a checkpoint, or the weight files. */
  readonly parameters: string;
  readonly split: 'test' | 'train';
  readonly samples: number;
  readonly batchSize: number;
  readonly solver: string;
  /** The CSV column of the setting (sigma, bits, delta, parasitic, sigma_v). */
  readonly column: string;
  readonly series: string;
  readonly description: string;
  /** The unperturbed network: `kirchhoff eval`'s accuracy and loss for the same samples and batch size. */
  readonly baseline: { readonly accuracy: number; readonly loss: number; readonly nfePerBatch: number; readonly seconds: number };
  readonly rows: readonly AnalysisRow[];
  readonly summary: readonly SummaryRow[];
  readonly files: AnalysisFiles;
}

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Core's failures during a solve (a perturbed circuit the solver cannot integrate), located at the setting. */
function located<T>(where: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof ValidationError) throw new CliError(err.issues.map((i) => issueIn(where, i.code, i.message)));
    if (err instanceof KirchhoffError) throw new CliError([issueIn(where, err.code, err.message)]);
    throw err;
  }
}

/**
 * `kirchhoff analyze <kind> <target>`: loads the trained network as `kirchhoff eval` does, evaluates it
 * unperturbed and then at every (setting, seed), perturbing the live network from a pristine copy and
 * restoring it each time (the compiled kernels are built once), and writes the rows CSV (rewritten after
 * every row, marked partial until the end), the summary CSV and the plot into the output folder.
 */
export async function runAnalysis(kind: AnalysisKind, target: string, options: AnalyzeOptions, io: CliIo): Promise<AnalyzeReport> {
  const settings = orThrow(resolveSettings(kind, options), 2);
  const loaded = await loadTrainedNetwork(target, options, io);
  const { plan } = loaded;
  if (plan.loss.meta.targets !== 'class-index') {
    throw new CliError([issueIn(target, 'not-classification', `analyses measure accuracy: ${plan.decoded.config.data.dataset} with loss ${plan.loss.name} is not a classification task`)]);
  }

  const outDir = resolve(io.cwd, options.out ?? join('analysis', loaded.name));
  // Paths as the user would write them: relative inside the working directory, else absolute.
  const shown = (path: string) => {
    const inside = relative(io.cwd, path);
    return inside === '' ? '.' : inside.startsWith('..') || isAbsolute(inside) ? path : inside;
  };
  const files: AnalysisFiles = {
    csv: join(outDir, `${kind.name}.csv`),
    summary: join(outDir, `${kind.name}-summary.csv`),
    svg: join(outDir, `${kind.name}.svg`),
    png: join(outDir, `${kind.name}.png`),
  };
  const existing = Object.values(files).filter((f) => existsSync(f));
  if (existing.length && !options.force) {
    throw new CliError([issueIn(options.out ?? shown(outDir), 'output-exists', `${existing.map(shown).join(', ')} already exist${existing.length === 1 ? 's' : ''}: pass --force to replace them, or choose another --out`)]);
  }
  // Replaced results go now, so that a sweep stopped early leaves its partial CSV beside no stale summary or plot.
  for (const file of existing) await rm(file, { force: true });

  const split = options.split ?? 'test';
  const data = firstSamples(split === 'train' ? plan.train : plan.test, options.limit);
  const batchSize = options.batchSize ?? plan.evalBatchSize;
  const batches = Math.ceil(data.count / batchSize);
  const context: AnalysisContext = { network: plan.network, snapshot: snapshotNetwork(plan.network), data, loss: plan.loss, setup: plan.forward, batchSize };
  const prepared = orThrow(kind.prepare(context, settings), 2);
  const series = kind.series(settings);
  const description = kind.describe(settings);
  const { symbol } = kind.setting;

  const measureTimed = (where: string, measure: () => Measurement) => {
    const started = performance.now();
    const measured = located(where, measure);
    return { measured, seconds: (performance.now() - started) / 1000 };
  };
  io.err(`analyze ${kind.name}: ${loaded.name}, ${split} split, ${data.count} samples in ${batches} batch${batches === 1 ? '' : 'es'} of ≤ ${batchSize}; unperturbed first\n`);
  const base = measureTimed(target, () => prepared.baseline());
  const baseline = { accuracy: base.measured.accuracy, loss: base.measured.loss, nfePerBatch: base.measured.nfe / batches, seconds: base.seconds };
  io.err(`  unperturbed: accuracy ${percent(baseline.accuracy)}, loss ${baseline.loss.toPrecision(5)} (${duration(base.seconds)})\n`);

  const comments = [
    `kirchhoff analyze ${kind.name} ${target}: parameters ${loaded.parameters}`,
    `${split} split, ${data.count} samples, batch size ${batchSize}, solver ${plan.solver.name}; ${description}`,
    `unperturbed: accuracy ${baseline.accuracy}, loss ${baseline.loss} (kirchhoff eval's numbers for these samples and batch size)`,
  ];
  await mkdir(outDir, { recursive: true });
  const write = (path: string, text: string) =>
    writeFileAtomic(path, text).catch((err: Error) => {
      throw new CliError([issueIn(options.out ?? shown(outDir), 'output-unwritable', `cannot write ${shown(path)}: ${err.message}`)]);
    });

  const seeds = Array.from({ length: settings.seeds }, (_, s) => s);
  const jobs: { value: number; seed?: number }[] = settings.values.flatMap((value) => (kind.seeded ? seeds.map((seed) => ({ value, seed })) : [{ value }]));
  const rows: AnalysisRow[] = [];
  const started = performance.now();
  let measuredSeconds = 0;
  let measuredJobs = 0;
  for (const [i, job] of jobs.entries()) {
    const label = `${symbol} = ${job.value}${job.seed !== undefined ? `, seed ${job.seed}` : ''}`;
    // The identity setting (σ = 0, δ = 0) leaves the network as it is: it is the unperturbed evaluation.
    const reused = job.value === kind.identity;
    const { measured, seconds } = reused ? { measured: base.measured, seconds: 0 } : measureTimed(`${kind.setting.option} ${job.value}`, () => prepared.measure(job.value, job.seed ?? 0));
    rows.push({
      value: job.value,
      ...(job.seed !== undefined && { seed: job.seed }),
      accuracy: measured.accuracy,
      loss: measured.loss,
      nfePerBatch: reused ? baseline.nfePerBatch : measured.nfe / batches,
      seconds,
      ...(measured.extra && { extra: measured.extra }),
    });
    if (!reused) {
      measuredSeconds += seconds;
      measuredJobs++;
    }
    const remaining = jobs.slice(i + 1).filter((j) => j.value !== kind.identity).length;
    const eta = measuredJobs && remaining ? `, about ${duration((measuredSeconds / measuredJobs) * remaining)} to go` : '';
    io.err(`  [${i + 1}/${jobs.length}] ${label}: accuracy ${percent(measured.accuracy)}, loss ${measured.loss.toPrecision(5)} (${reused ? 'the unperturbed network' : duration(seconds)}${eta})\n`);
    // Rewritten whole after every row, so a long sweep that stops early keeps what it measured.
    const partial = i + 1 < jobs.length ? [`partial: ${i + 1} of ${jobs.length} rows so far`] : [];
    await write(files.csv, rowsCsv(kind, series, rows, [...partial, ...comments]));
  }

  const summary = summarize(series, settings.values, rows);
  await write(files.summary, summaryCsv(kind, summary, comments));
  const plotted = await drawPlot(kind, rows, series, baseline.accuracy, [
    `${loaded.name}, parameters from ${loaded.parameters.split(',').map((f) => basename(f)).join(', ')}`,
    `${split} split, ${data.count} samples; ${kind.seeded ? `mean over ${settings.seeds} seed${settings.seeds === 1 ? '' : 's'}, band ± one standard deviation, dots the seeds` : 'one evaluation per setting'}`,
    description,
  ]);
  await mkdir(outDir, { recursive: true });
  try {
    await plotted.write(join(outDir, kind.name));
  } catch (err) {
    throw new CliError([issueIn(options.out ?? shown(outDir), 'output-unwritable', `cannot write ${shown(files.svg)}/.png: ${(err as Error).message}`)]);
  }
  for (const warning of plotted.warnings) io.err(`plot warning: ${warning}\n`);

  const report: AnalyzeReport = {
    kind: kind.name,
    target,
    parameters: loaded.parameters,
    split,
    samples: data.count,
    batchSize,
    solver: plan.solver.name,
    column: kind.setting.column,
    series,
    description,
    baseline,
    rows,
    summary,
    files: { csv: shown(files.csv), summary: shown(files.summary), svg: shown(files.svg), png: shown(files.png) },
  };
  io.err(`  ${jobs.length} row${jobs.length === 1 ? '' : 's'} in ${duration((performance.now() - started) / 1000)}; wrote ${report.files.csv}, ${report.files.summary}, ${report.files.svg} and ${report.files.png}\n`);
  io.out(
    options.json
      ? `${JSON.stringify(report, null, 2)}\n`
      : `${kind.name} of ${loaded.name} (${loaded.parameters}): ${split} split, ${data.count} samples\n  ${description}\n  unperturbed: accuracy ${percent(baseline.accuracy)}, loss ${baseline.loss.toPrecision(5)}\n${summaryTable(kind, summary)}\n`,
  );
  return report;
}

/** Accuracy against the setting with its spread over seeds and the unperturbed accuracy as a dashed line. */
async function drawPlot(kind: AnalysisKind, rows: readonly AnalysisRow[], series: string, baseline: number, subtitle: readonly string[]) {
  const plot = await import('../plot');
  const chart = plot.sigmaChart(
    rows.map((r) => ({ sigma: r.value, accuracy: r.accuracy, series, ...(r.seed !== undefined && { seed: r.seed }) })),
    {
      title: kind.title,
      subtitle,
      xTitle: kind.setting.axisTitle,
      ...(kind.setting.integer && { xInteger: true, xZero: false }),
      references: [{ accuracy: baseline, label: `unperturbed ${percent(baseline)}` }],
    },
  );
  let rendered;
  try {
    rendered = await plot.renderChart(chart);
  } catch (err) {
    if (err instanceof KirchhoffError) throw new CliError([{ code: err.code, message: err.message, where: 'plot' }]);
    throw err;
  }
  return { warnings: rendered.warnings, write: (base: string) => plot.writePlot(base, rendered) };
}
