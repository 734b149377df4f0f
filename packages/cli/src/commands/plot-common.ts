import { basename, extname, resolve } from 'node:path';
import { KirchhoffError } from '@kirchhoff/core';
import type { CliIo } from '../io';
import { CliError } from '../issues';
import type { RenderedPlot } from '../plot';

/*
 * What every `kirchhoff plot …` subcommand shares: the lazily loaded plot module (vega and resvg load only
 * when a plot is drawn, so that other commands do not pay for them), writing <out>.svg and <out>.png, and
 * the way expected failures become CliErrors.
 */

export const plotModule = () => import('../plot');

export interface PlotFiles {
  readonly svg: string;
  readonly png: string;
}

export interface OutOptions {
  /** Output path without extension (a .svg or .png extension is dropped); relative to the working directory. */
  readonly out?: string;
}

/** A bad option value: exit code 2, reported at the option. */
export const usage = (where: string, message: string, code = 'usage') => new CliError([{ code, message, where }], 2);

/** Writes both files and says where they went (stderr, like simulate's summary). */
export async function emit(plot: RenderedPlot, out: string | undefined, defaultName: string, io: CliIo): Promise<PlotFiles> {
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
export async function drawn<T>(draw: () => Promise<T> | T): Promise<T> {
  try {
    return await draw();
  } catch (err) {
    if (err instanceof KirchhoffError) throw new CliError([{ code: err.code, message: err.message, where: 'plot' }]);
    throw err;
  }
}

export const stem = (path: string) => basename(path, extname(path));
export const percent = (x: number) => `${(100 * x).toFixed(2)}%`;
export const shortNumber = (x: number) => (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4) || x === 0 ? String(Number(x.toPrecision(4))) : x.toExponential(2);
