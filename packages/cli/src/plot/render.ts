import { existsSync } from 'node:fs';
import { delimiter } from 'node:path';
import { KirchhoffError } from '@kirchhoff/core';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ChartSpec } from './charts';
import { readFontMetrics, textWidth, type FontMetrics } from './text-metrics';

/** A plot in both formats: SVG text (scalable, for documents) and PNG bytes (for viewers and reports). */
export interface RenderedPlot {
  readonly svg: string;
  readonly png: Uint8Array;
  /** PNG size in pixels. */
  readonly width: number;
  readonly height: number;
  /** What Vega-Lite and Vega warned about (dropped scale settings, conflicting legends); empty when clean. */
  readonly warnings: readonly string[];
}

export interface RenderOptions {
  /** PNG pixels per SVG unit (default 2: sharp on high-density screens and in print). */
  readonly scale?: number;
}

/** The font every plot's text is drawn with in the PNG: the SVGs ask for it first, then any sans-serif. */
export const PLOT_FONT_FAMILY = 'DejaVu Sans';

const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'];
const FONT_DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/dejavu', '/usr/share/fonts/TTF', '/Library/Fonts'];

/**
 * The font files handed to resvg: `KIRCHHOFF_PLOT_FONTS` (paths separated by the platform's delimiter), else
 * DejaVu Sans and its bold face from the usual system folders (Debian's fonts-dejavu-core). Loading named
 * files instead of every system font makes the PNGs the same on every machine, and fails loudly instead of
 * drawing plots without text when no font is there.
 */
export function plotFontFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const given = env.KIRCHHOFF_PLOT_FONTS?.split(delimiter).filter((p) => p !== '');
  if (given?.length) {
    const missing = given.filter((p) => !existsSync(p));
    if (missing.length) throw new KirchhoffError('plot-font-missing', `KIRCHHOFF_PLOT_FONTS names files that do not exist: ${missing.join(', ')}`);
    return given;
  }
  for (const dir of FONT_DIRS) {
    const files = FONT_FILES.map((f) => `${dir}/${f}`);
    if (existsSync(files[0])) return files.filter((f) => existsSync(f));
  }
  throw new KirchhoffError(
    'plot-font-missing',
    `no font for plot text: install DejaVu Sans (Debian: apt-get install fonts-dejavu-core) or set KIRCHHOFF_PLOT_FONTS to .ttf files`,
  );
}

/** Rasterises an SVG document with resvg (a Rust renderer shipped as a prebuilt Node addon: no browser, no canvas). */
export function svgToPng(svg: string, options: RenderOptions = {}): { png: Uint8Array; width: number; height: number } {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    background: 'white',
    font: { loadSystemFonts: false, fontFiles: plotFontFiles(), defaultFontFamily: PLOT_FONT_FAMILY, sansSerifFamily: PLOT_FONT_FAMILY },
  });
  const image = resvg.render();
  return { png: image.asPng(), width: image.width, height: image.height };
}

/** An SVG drawn by hand (the circuit drawing), in both formats. */
export function renderSvg(svg: string, options: RenderOptions = {}): RenderedPlot {
  return { svg, ...svgToPng(svg, options), warnings: [] };
}

/** A Vega logger that keeps warnings for the caller instead of printing them, and throws errors. */
function collectingLogger(warnings: string[]) {
  const logger = {
    level: (...args: unknown[]) => (args.length ? logger : 2),
    error: (...args: unknown[]): never => {
      throw new KirchhoffError('plot-failed', `Vega: ${args.map(String).join(' ')}`);
    },
    warn: (...args: unknown[]) => {
      warnings.push(args.map(String).join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

interface TextItem {
  readonly fontSize?: number;
  readonly fontWeight?: string | number;
}

/** The hook Vega offers for measuring text without a canvas (`textMetrics.width`; vl-convert uses it too). */
const textMetrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }).textMetrics;
let measuredWith: string | undefined;

/** Points Vega's text measurement at the plot font's own advance widths (regular, and bold for bold text). */
function measureWithPlotFont(): void {
  const files = plotFontFiles();
  const key = files.join(delimiter);
  if (measuredWith === key) return;
  const regular: FontMetrics = readFontMetrics(files[0]);
  const bold: FontMetrics = files[1] !== undefined ? readFontMetrics(files[1]) : regular;
  textMetrics.width = (item, text) => {
    const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    const weight = item.fontWeight;
    const isBold = weight === 'bold' || weight === 'bolder' || (Number(weight) >= 600);
    return textWidth(isBold ? bold : regular, text == null ? '' : String(text).trim(), size);
  };
  measuredWith = key;
}

/** Shared look of every chart: the font the PNG has, a white background, quiet grid lines. */
const CONFIG = {
  font: `${PLOT_FONT_FAMILY}, sans-serif`,
  background: 'white',
  title: { fontSize: 15, subtitleFontSize: 12, subtitleColor: '#555', anchor: 'start', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  view: { stroke: '#ccc' },
} as const;

/**
 * Renders a Vega-Lite chart (one of `charts.ts`'s builders, or any Vega-Lite spec): Vega-Lite compiles it to
 * Vega, Vega's headless View draws the SVG (renderer 'none': no DOM and no canvas), resvg the PNG.
 */
export async function renderChart(spec: ChartSpec, options: RenderOptions = {}): Promise<RenderedPlot> {
  const top = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', ...spec, config: { ...CONFIG, ...(spec.config as object | undefined) } };
  measureWithPlotFont();
  const warnings: string[] = [];
  // The logger's shape is Vega's LoggerInterface; the typings name it in a package not installed on its own.
  const logger = collectingLogger(warnings) as never;
  const vegaSpec = compile(top as TopLevelSpec, { logger }).spec;
  const view = new View(parse(vegaSpec), { renderer: 'none', logger });
  try {
    const svg = await view.toSVG();
    return { svg, ...svgToPng(svg, options), warnings };
  } finally {
    view.finalize();
  }
}
