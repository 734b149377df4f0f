import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { orThrow, RUN_FILES } from '../config/train-run-dir';
import type { CliIo } from '../io';
import { CliError, issueIn } from '../issues';
import type { Series } from '../plot';
import { drawn, emit, percent, plotModule, shortNumber, type OutOptions, type PlotFiles } from './plot-common';

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
