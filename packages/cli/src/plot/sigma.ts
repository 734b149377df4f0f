import * as E from 'fp-ts/Either';
import type { FileIssue } from '../issues';
import { bandChart, type ChartSpec } from './charts';

/**
 * Accuracy against a noise level σ, the format robustness analyses write (docs/plots.md):
 *
 *     sigma,seed,accuracy,series
 *     0,0,0.9971,weights
 *     0.05,0,0.9902,weights
 *
 * A header line names the columns, in any order: `accuracy` (a fraction in [0, 1]) and the setting are
 * required, `seed` (a whole number) and `series` (a curve name, e.g. what was perturbed) are optional, and
 * any other column is ignored. The setting is the column named `sigma` (σ ≥ 0), or another one chosen
 * by name (`bits`, `delta`: any finite number), else the header's first column that is none of accuracy,
 * seed and series. Blank lines and lines starting with `#` are skipped; fields are not quoted.
 */
export interface SigmaRow {
  /** The setting: σ, or the value of the CSV's setting column (bits, a delay, …). */
  readonly sigma: number;
  readonly accuracy: number;
  readonly seed?: number;
  readonly series?: string;
}

/** The rows of one σ within a series. */
export interface SigmaSummary {
  readonly series: string;
  readonly sigma: number;
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1); 0 for a single row. */
  readonly std: number;
  readonly min: number;
  readonly max: number;
}

/** Columns with a fixed meaning; any other column may be the setting. */
const KNOWN_COLUMNS = ['accuracy', 'seed', 'series'];

const at = (file: string, line: number, message: string): FileIssue => ({ code: 'invalid-csv', message, where: `${file}:${line}`, file, line, path: '' });

/** A σ CSV's rows and the name of its setting column. */
export interface SettingCsv {
  readonly setting: string;
  readonly rows: SigmaRow[];
}

/**
 * Reads a σ CSV whose setting is column `setting` (default: `sigma` when the header has it, else its
 * first column that is not accuracy, seed or series); every bad line is reported, each at its line number.
 */
export function parseSettingCsv(text: string, file: string, setting?: string): E.Either<FileIssue[], SettingCsv> {
  const lines = text.split(/\r?\n/).map((raw, i) => ({ raw: raw.trim(), line: i + 1 })).filter(({ raw }) => raw !== '' && !raw.startsWith('#'));
  if (lines.length === 0) return E.left([at(file, 1, 'empty file: expected a header such as sigma,seed,accuracy and one row per run')]);
  const [head, ...body] = lines;
  const columns = head.raw.split(',').map((c) => c.trim());
  const x = setting ?? (columns.includes('sigma') ? 'sigma' : columns.find((c) => c !== '' && !KNOWN_COLUMNS.includes(c)));
  if (x === undefined || !columns.includes(x) || !columns.includes('accuracy')) {
    const wanted = setting === undefined ? 'sigma (or another setting column) and accuracy' : `${setting} and accuracy`;
    return E.left([at(file, head.line, `the header must name the columns ${wanted} (found: ${columns.join(', ')})`)]);
  }
  const index = (name: string) => columns.indexOf(name);
  const issues: FileIssue[] = [];
  const rows: SigmaRow[] = [];
  for (const { raw, line } of body) {
    const fields = raw.split(',').map((c) => c.trim());
    if (fields.length !== columns.length) {
      issues.push(at(file, line, `${fields.length} fields, but the header has ${columns.length} (${columns.join(',')})`));
      continue;
    }
    const number = (name: string) => (fields[index(name)] === '' ? NaN : Number(fields[index(name)]));
    const value = number(x);
    const accuracy = number('accuracy');
    const problems: string[] = [];
    // σ is a spread, so never negative; other settings (a readout delay δ) may be.
    if (x === 'sigma' && !(Number.isFinite(value) && value >= 0)) problems.push(`sigma must be a number ≥ 0, got '${fields[index(x)]}'`);
    if (x !== 'sigma' && !Number.isFinite(value)) problems.push(`${x} must be a number, got '${fields[index(x)]}'`);
    if (!(accuracy >= 0 && accuracy <= 1)) problems.push(`accuracy must be a fraction in [0, 1], got '${fields[index('accuracy')]}'`);
    let seed: number | undefined;
    if (index('seed') >= 0) {
      seed = number('seed');
      if (!Number.isInteger(seed)) problems.push(`seed must be a whole number, got '${fields[index('seed')]}'`);
    }
    if (problems.length) {
      issues.push(at(file, line, problems.join('; ')));
      continue;
    }
    const series = index('series') >= 0 ? fields[index('series')] : undefined;
    rows.push({ sigma: value, accuracy, ...(seed !== undefined && { seed }), ...(series !== undefined && series !== '' && { series }) });
  }
  if (!issues.length && rows.length === 0) issues.push(at(file, head.line, 'no rows after the header'));
  return issues.length ? E.left(issues) : E.right({ setting: x, rows });
}

/** Reads a σ CSV (its setting column as `parseSettingCsv` chooses it). */
export function parseSigmaCsv(text: string, file: string): E.Either<FileIssue[], SigmaRow[]> {
  return E.map((csv: SettingCsv) => csv.rows)(parseSettingCsv(text, file));
}

/** Writes rows in the format parseSigmaCsv reads (columns sigma,seed,accuracy[,series]). */
export function sigmaCsv(rows: readonly SigmaRow[]): string {
  const withSeries = rows.some((r) => r.series !== undefined);
  const header = ['sigma', 'seed', 'accuracy', ...(withSeries ? ['series'] : [])].join(',');
  const body = rows.map((r) => [r.sigma, r.seed ?? '', r.accuracy, ...(withSeries ? [r.series ?? ''] : [])].join(','));
  return `${[header, ...body].join('\n')}\n`;
}

/** Mean, spread and range per series and σ; series in order of first appearance, σ ascending. */
export function summarizeSigma(rows: readonly SigmaRow[], defaultSeries = 'accuracy'): SigmaSummary[] {
  const groups = new Map<string, Map<number, number[]>>();
  for (const r of rows) {
    const name = r.series ?? defaultSeries;
    const bySigma = groups.get(name) ?? new Map<number, number[]>();
    groups.set(name, bySigma);
    bySigma.set(r.sigma, [...(bySigma.get(r.sigma) ?? []), r.accuracy]);
  }
  return [...groups].flatMap(([series, bySigma]) =>
    [...bySigma]
      .sort(([a], [b]) => a - b)
      .map(([sigma, values]) => {
        const n = values.length;
        const mean = values.reduce((s, v) => s + v, 0) / n;
        const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
        return { series, sigma, n, mean, std, min: Math.min(...values), max: Math.max(...values) };
      }),
  );
}

export interface SigmaChartOptions {
  readonly title?: string;
  readonly subtitle?: string | readonly string[];
  /** x-axis title (default σ). */
  readonly xTitle?: string;
  readonly logX?: boolean;
  /** Ticks at whole numbers only (a number of bits). */
  readonly xInteger?: boolean;
  /** Include 0 in the x range (default: when no setting is negative and the axis is linear). */
  readonly xZero?: boolean;
  /** Horizontal dashed lines, e.g. the unperturbed accuracy; `accuracy` is a fraction like the rows'. */
  readonly references?: readonly { readonly accuracy: number; readonly label: string }[];
}

/** Accuracy (%) against σ: mean line, a ±1 standard deviation band (clipped to [0, 100] %), every run as a dot. */
export function sigmaChart(rows: readonly SigmaRow[], options: SigmaChartOptions = {}): ChartSpec {
  const summary = summarizeSigma(rows);
  const names = [...new Set(summary.map((s) => s.series))];
  const pct = (v: number) => 100 * v;
  // Every accuracy the same (a robust network on easy samples) would give a zero-width axis: show two points below it instead.
  const levels = [...rows.map((r) => r.accuracy), ...(options.references ?? []).map((r) => r.accuracy)];
  const flat = levels.length > 0 && Math.min(...levels) === Math.max(...levels);
  const top = Math.min(100, pct(levels[0] ?? 0) + 1);
  return bandChart({
    title: options.title ?? 'Accuracy vs σ',
    ...(options.subtitle !== undefined && { subtitle: options.subtitle }),
    x: { title: options.xTitle ?? 'σ', scale: options.logX ? 'log' : 'linear', zero: options.xZero ?? (!options.logX && rows.every((r) => r.sigma >= 0)), ...(options.xInteger && { integer: true }) },
    y: { title: 'accuracy (%)', ...(flat && { domain: [Math.max(0, top - 2), top] as const }) },
    legend: names.length > 1 ? 'series' : undefined,
    series: names.map((name) => ({
      name,
      points: summary
        .filter((s) => s.series === name)
        .map((s) => ({ x: s.sigma, y: pct(s.mean), low: pct(Math.max(0, s.mean - s.std)), high: pct(Math.min(1, s.mean + s.std)) })),
      samples: rows.filter((r) => (r.series ?? 'accuracy') === name).map((r) => ({ x: r.sigma, y: pct(r.accuracy) })),
    })),
    ...(options.references && { references: options.references.map((r) => ({ y: pct(r.accuracy), label: r.label })) }),
  });
}
