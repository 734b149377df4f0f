import { summarizeSigma, type SigmaSummary } from '../plot/sigma';
import type { AnalysisKind } from './kind';

/*
 * The files an analysis writes. `<kind>.csv` has one row per (setting, seed) and is a σ CSV
 * (docs/plots.md): `kirchhoff plot sigma` reads it, taking the setting column as its x. `<kind>-summary.csv`
 * has one row per setting: mean, sample standard deviation, min and max of the accuracy over seeds.
 */

export interface AnalysisRow {
  /** The setting: σ, bits, δ or C_p. */
  readonly value: number;
  /** Absent for analyses without random draws. */
  readonly seed?: number;
  readonly accuracy: number;
  readonly loss: number;
  /** Right-hand-side evaluations per batch of this row's solves (0 when it reused a simulation). */
  readonly nfePerBatch: number;
  readonly seconds: number;
  readonly extra?: Readonly<Record<string, number>>;
}

export interface SummaryRow {
  readonly value: number;
  readonly series: string;
  readonly n: number;
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  readonly meanLoss: number;
}

/** Shortest round-trip form, so that numbers read back exactly. */
const number = (x: number) => String(x);

const commentLines = (comments: readonly string[]) => comments.map((c) => `# ${c.replace(/\n/g, ' ')}`);

export function rowsCsv(kind: AnalysisKind, series: string, rows: readonly AnalysisRow[], comments: readonly string[]): string {
  const extra = kind.extraColumns ?? [];
  const header = [kind.setting.column, ...(kind.seeded ? ['seed'] : []), 'accuracy', 'loss', 'series', 'nfe_per_batch', 'seconds', ...extra];
  const lines = rows.map((r) =>
    [
      number(r.value),
      ...(kind.seeded ? [String(r.seed ?? 0)] : []),
      number(r.accuracy),
      number(r.loss),
      series,
      number(r.nfePerBatch),
      r.seconds.toFixed(3),
      ...extra.map((c) => number(r.extra?.[c] ?? NaN)),
    ].join(','),
  );
  return `${[...commentLines(comments), header.join(','), ...lines].join('\n')}\n`;
}

/** Per setting, in the order the settings were given. */
export function summarize(series: string, values: readonly number[], rows: readonly AnalysisRow[]): SummaryRow[] {
  const stats = new Map<number, SigmaSummary>(summarizeSigma(rows.map((r) => ({ sigma: r.value, accuracy: r.accuracy, series }))).map((s) => [s.sigma, s]));
  return values.flatMap((value) => {
    const s = stats.get(value);
    if (!s) return [];
    const losses = rows.filter((r) => r.value === value).map((r) => r.loss);
    return [{ value, series, n: s.n, mean: s.mean, std: s.std, min: s.min, max: s.max, meanLoss: losses.reduce((a, b) => a + b, 0) / losses.length }];
  });
}

export function summaryCsv(kind: AnalysisKind, summary: readonly SummaryRow[], comments: readonly string[]): string {
  const header = [kind.setting.column, 'series', 'n', 'mean', 'std', 'min', 'max', 'mean_loss'];
  const lines = summary.map((s) => [number(s.value), s.series, String(s.n), number(s.mean), number(s.std), number(s.min), number(s.max), number(s.meanLoss)].join(','));
  return `${[...commentLines(comments), header.join(','), ...lines].join('\n')}\n`;
}

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

/** The summary as an aligned text table for the terminal. */
export function summaryTable(kind: AnalysisKind, summary: readonly SummaryRow[]): string {
  const head = kind.seeded ? [kind.setting.symbol, 'seeds', 'mean', 'std', 'min', 'max', 'mean loss'] : [kind.setting.symbol, 'accuracy', 'loss'];
  const body = summary.map((s) =>
    kind.seeded
      ? [number(s.value), String(s.n), percent(s.mean), percent(s.std), percent(s.min), percent(s.max), s.meanLoss.toPrecision(4)]
      : [number(s.value), percent(s.mean), s.meanLoss.toPrecision(4)],
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`;
  return [line(head), ...body.map(line)].join('\n');
}
