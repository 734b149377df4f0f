import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { orThrow } from '../config/train-run-dir';
import type { CliIo } from '../io';
import { CliError, issueIn } from '../issues';
import { drawn, emit, plotModule, stem, type OutOptions, type PlotFiles } from './plot-common';

export interface PlotSigmaOptions extends OutOptions {
  readonly title?: string;
  readonly logX?: boolean;
  /** The setting column (default: sigma, else the header's first column other than accuracy, seed and series). */
  readonly x?: string;
  /** x-axis title (default: σ for the sigma column, else the column's name). */
  readonly xTitle?: string;
}

export interface PlotSigmaReport {
  readonly files: PlotFiles;
  readonly summary: readonly import('../plot').SigmaSummary[];
}

/** `kirchhoff plot sigma <csv>`: accuracy (mean ± one standard deviation over seeds) against a noise level σ or another setting. */
export async function plotSigmaCommand(file: string, options: PlotSigmaOptions, io: CliIo): Promise<PlotSigmaReport> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CliError([issueIn(file, missing ? 'file-not-found' : 'file-unreadable', missing ? 'no such file' : (err as Error).message)]);
  }
  const plot = await plotModule();
  const { setting, rows } = orThrow(plot.parseSettingCsv(text, file, options.x));
  const shownSetting = setting === 'sigma' ? 'σ' : setting;
  const summary = plot.summarizeSigma(rows);
  const counts = [...new Set(summary.map((s) => s.n))].sort((x, y) => x - y);
  const runs = counts.length === 1 ? `${counts[0]}` : `${counts[0]}–${counts[counts.length - 1]}`;
  const chart = plot.sigmaChart(rows, {
    title: options.title ?? `Accuracy vs ${shownSetting}`,
    subtitle: `${file}: mean over ${runs} run${runs === '1' ? '' : 's'} per ${shownSetting}, band ± one standard deviation, dots the runs`,
    xTitle: options.xTitle ?? shownSetting,
    // A noise level's axis starts at 0; another setting's (bits, a delay) spans its values.
    ...(setting !== 'sigma' && { xZero: false }),
    ...(options.logX && { logX: true }),
  });
  const rendered = await drawn(() => plot.renderChart(chart));
  const files = await emit(rendered, options.out, `${stem(file)}-sigma`, io);
  return { files, summary };
}
