import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { RenderedPlot } from './render';

/** `out` as given, less a `.svg` or `.png` extension: both files are written beside each other. */
export function plotBase(out: string): string {
  const extension = extname(out).toLowerCase();
  return extension === '.svg' || extension === '.png' ? out.slice(0, -extension.length) : out;
}

/** As output.ts's writeFileAtomic, for bytes too: a temporary file beside the target, renamed over it. */
async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, data, { flag: 'wx' });
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
}

/** Writes `<base>.svg` and `<base>.png` (each atomically; missing folders are made) and returns their paths. */
export async function writePlot(base: string, plot: RenderedPlot): Promise<{ svg: string; png: string }> {
  const paths = { svg: `${base}.svg`, png: `${base}.png` };
  await mkdir(dirname(base), { recursive: true });
  await writeAtomic(paths.svg, plot.svg);
  await writeAtomic(paths.png, plot.png);
  return paths;
}
