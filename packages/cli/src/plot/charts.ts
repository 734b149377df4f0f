/**
 * Chart builders: plain data in, a Vega-Lite spec out (render it with `renderChart`). They know nothing
 * about circuits or runs, so every command and analysis draws its curves the same way.
 */

/** A Vega-Lite specification as a plain object (builders return unit, layer or concat specs). */
export type ChartSpec = Readonly<Record<string, unknown>>;

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Series {
  readonly name: string;
  readonly points: readonly Point[];
  /** Draw a marker at every point (for few points, such as one per epoch). */
  readonly markers?: boolean;
}

export interface AxisOptions {
  readonly title: string;
  /** Default linear; a log axis drops points ≤ 0. */
  readonly scale?: 'linear' | 'log';
  /** Fixed range; default: the data's, rounded outwards. */
  readonly domain?: readonly [number, number];
  /** d3-format string for the tick labels, e.g. '.0%' or '~s'. */
  readonly format?: string;
  /** Include 0 in the range (default false; ignored on a log axis). */
  readonly zero?: boolean;
  /** Ticks at whole numbers only (epochs, counts). */
  readonly integer?: boolean;
}

/** A vertical line across the chart at `x`, such as a slice boundary. */
export interface Rule {
  readonly x: number;
  readonly label?: string;
}

interface Frame {
  readonly title: string;
  readonly subtitle?: string | readonly string[];
  readonly width?: number;
  readonly height?: number;
}

export interface LineChartOptions extends Frame {
  readonly x: AxisOptions;
  readonly y: AxisOptions;
  readonly series: readonly Series[];
  readonly rules?: readonly Rule[];
  /** Legend title (default none); no legend at all for a single series. */
  readonly legend?: string;
}

export interface BandPoint {
  readonly x: number;
  /** The line. */
  readonly y: number;
  /** The band around it. */
  readonly low: number;
  readonly high: number;
}

export interface BandSeries {
  readonly name: string;
  readonly points: readonly BandPoint[];
  /** Individual observations drawn as faint dots (e.g. one per seed). */
  readonly samples?: readonly Point[];
}

/** A horizontal line across the chart at `y`, such as a reference value. */
export interface Reference {
  readonly y: number;
  readonly label?: string;
}

export interface BandChartOptions extends Frame {
  readonly x: AxisOptions;
  readonly y: AxisOptions;
  readonly series: readonly BandSeries[];
  readonly legend?: string;
  /** Dashed horizontal lines, labelled at their right end. */
  readonly references?: readonly Reference[];
}

/** Tableau 10, Vega's default: series keep their colour in every panel because the domain is given. */
export const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac', '#eeca3b'];
/** For many series (up to 20 before colours repeat). */
const PALETTE_20 = [...PALETTE, '#1f77b4', '#aec7e8', '#2ca02c', '#98df8a', '#d62728', '#9467bd', '#c5b0d5', '#8c564b', '#17becf', '#bcbd22'];

const finite = (v: number) => Number.isFinite(v);
const fits = (axis: AxisOptions, v: number) => finite(v) && (axis.scale !== 'log' || v > 0);

function axisScale(axis: AxisOptions): Record<string, unknown> {
  return {
    type: axis.scale ?? 'linear',
    ...(axis.scale !== 'log' && { zero: axis.zero ?? false }),
    ...(axis.domain && { domain: [...axis.domain], nice: false }),
  };
}

const axisEncoding = (field: string, axis: AxisOptions) => ({
  field,
  type: 'quantitative',
  title: axis.title,
  scale: axisScale(axis),
  axis: {
    ...(axis.format !== undefined && { format: axis.format }),
    ...(axis.integer && { tickMinStep: 1, format: axis.format ?? 'd' }),
    ...(axis.scale === 'log' && { tickCount: 6 }),
  },
});

function colorEncoding(names: readonly string[], legend: string | undefined) {
  const range = names.length <= PALETTE.length ? PALETTE : PALETTE_20;
  return {
    field: 'series',
    type: 'nominal',
    sort: [...names],
    scale: { domain: [...names], range: range.slice(0, Math.max(1, Math.min(names.length, range.length))) },
    legend: names.length > 1 ? { title: legend ?? null, symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1 } : null,
  };
}

const frame = (o: Frame) => ({
  title: o.subtitle !== undefined ? { text: o.title, subtitle: o.subtitle } : o.title,
  width: o.width ?? 420,
  height: o.height ?? 260,
});

function ruleLayers(rules: readonly Rule[] | undefined, x: AxisOptions): ChartSpec[] {
  if (!rules?.length) return [];
  const values = rules.filter((r) => finite(r.x)).map((r) => ({ x: r.x, label: r.label ?? '' }));
  return [
    {
      data: { values },
      mark: { type: 'rule', color: '#888', strokeDash: [4, 4] },
      encoding: { x: { field: 'x', type: 'quantitative', scale: axisScale(x) } },
    },
    {
      data: { values },
      mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 3, color: '#666', fontSize: 10 },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
    },
  ];
}

/**
 * Lines through each series' points, coloured by series (in the given order), with optional markers and
 * vertical rules. Non-finite points (and points ≤ 0 on a log axis) are left out.
 */
export function lineChart(o: LineChartOptions): ChartSpec {
  const names = o.series.map((s) => s.name);
  const rows = o.series.flatMap((s, order) =>
    s.points.filter((p) => fits(o.x, p.x) && fits(o.y, p.y)).map((p, i) => ({ series: s.name, order, i, x: p.x, y: p.y, marker: s.markers ?? false })),
  );
  // A constant curve would give a zero-width range (one tick, many decimals): centre it in a range of its own.
  const ys = rows.map((r) => r.y);
  const flat = ys.length > 0 && o.y.domain === undefined && Math.min(...ys) === Math.max(...ys);
  const pad = flat ? Math.abs(ys[0]) / 2 || 1 : 0;
  const y: AxisOptions = flat && o.y.scale !== 'log' ? { ...o.y, domain: [ys[0] - pad, ys[0] + pad] } : o.y;
  const encoding = {
    x: axisEncoding('x', o.x),
    y: axisEncoding('y', y),
    color: colorEncoding(names, o.legend),
    detail: { field: 'series', type: 'nominal' },
    order: { field: 'i', type: 'quantitative' },
  };
  return {
    ...frame(o),
    layer: [
      { data: { values: rows }, mark: { type: 'line', strokeWidth: 2, clip: true }, encoding },
      // Markers from a layer of their own (an empty layer would give its scales an infinite extent).
      ...(rows.some((r) => r.marker)
        ? [{ data: { values: rows.filter((r) => r.marker) }, mark: { type: 'point', filled: true, size: 36, clip: true }, encoding: { x: encoding.x, y: encoding.y, color: encoding.color } }]
        : []),
      ...ruleLayers(o.rules, o.x),
    ],
  };
}

/** Dashed horizontal lines at each reference, on the chart's own y scale (`scale`, so that the layers share one). */
function referenceLayers(references: readonly Reference[] | undefined, scale: Readonly<Record<string, unknown>>): ChartSpec[] {
  if (!references?.length) return [];
  const values = references.filter((r) => finite(r.y) && (scale.type !== 'log' || r.y > 0)).map((r) => ({ y: r.y, label: r.label ?? '' }));
  return [
    {
      data: { values },
      mark: { type: 'rule', color: '#888', strokeDash: [4, 4] },
      encoding: { y: { field: 'y', type: 'quantitative', scale } },
    },
    {
      data: { values },
      mark: { type: 'text', align: 'right', baseline: 'bottom', dx: -3, dy: -3, color: '#666', fontSize: 10 },
      encoding: { x: { value: 'width' }, y: { field: 'y', type: 'quantitative' }, text: { field: 'label' } },
    },
  ];
}

/** Per series: a band from `low` to `high`, the line through `y`, and faint dots for individual samples; optional reference lines. */
export function bandChart(o: BandChartOptions): ChartSpec {
  const names = o.series.map((s) => s.name);
  const rows = o.series.flatMap((s) =>
    s.points.filter((p) => fits(o.x, p.x) && fits(o.y, p.y)).map((p) => ({ series: s.name, x: p.x, y: p.y, low: p.low, high: p.high })),
  );
  const samples = o.series.flatMap((s) => (s.samples ?? []).filter((p) => fits(o.x, p.x) && fits(o.y, p.y)).map((p) => ({ series: s.name, x: p.x, y: p.y })));
  const xEncoding = axisEncoding('x', o.x);
  // Centred tick labels: flushed to the ends, the first (0) runs into the second when the range starts at 0.
  const x = { ...xEncoding, axis: { ...xEncoding.axis, labelFlush: false } };
  const y = axisEncoding('y', o.y);
  const color = colorEncoding(names, o.legend);
  return {
    ...frame(o),
    layer: [
      {
        data: { values: rows },
        mark: { type: 'area', opacity: 0.22, clip: true },
        encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' }, color },
      },
      ...(samples.length
        ? [{ data: { values: samples }, mark: { type: 'point', filled: true, size: 22, opacity: 0.45 }, encoding: { x, y, color } }]
        : []),
      // Not clipped: the data span the range, and a dot at its edge (100 %, the last setting) then shows whole.
      { data: { values: rows }, mark: { type: 'line', strokeWidth: 2, point: { filled: true, size: 40 } }, encoding: { x, y, color } },
      ...referenceLayers(o.references, y.scale),
    ],
  };
}

/** Charts side by side, `columns` per row; each keeps its own scales and legend. */
export function gridChart(charts: readonly ChartSpec[], options: { readonly columns: number; readonly title?: string; readonly subtitle?: string | readonly string[] }): ChartSpec {
  return {
    ...(options.title !== undefined && { title: options.subtitle !== undefined ? { text: options.title, subtitle: options.subtitle } : options.title }),
    columns: options.columns,
    concat: charts,
    spacing: 28,
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
  };
}
