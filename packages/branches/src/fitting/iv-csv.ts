import * as E from 'fp-ts/Either';
import type { Issue } from '@kirchhoff/core';

/** Measured or simulated I-V points, sorted by increasing voltage. */
export interface IvData {
  readonly voltages: Float64Array;
  readonly currents: Float64Array;
  /** The 1-based line of each point in the file, for messages about a point. */
  readonly lines: Int32Array;
}

/** A problem in an I-V file, always with the file and (except for whole-file problems) the line. */
export interface IvFileIssue extends Issue {
  readonly where: string;
  readonly file: string;
  readonly line?: number;
}

/**
 * Parses an I-V table: two columns, voltage then current, one point a line. Fields may be separated
 * by commas, semicolons, tabs or spaces. Blank lines and `#` comments are skipped; a first line with no
 * number in it is a header. Voltages must be strictly monotone: increasing, or decreasing (a downward
 * sweep, which is reversed). Every bad row is reported, each with its line, not just the first; the
 * monotonicity check runs over the rows that did parse, so one pass shows all the file's problems.
 */
export function parseIvCsv(text: string, file: string): E.Either<IvFileIssue[], IvData> {
  const issues: IvFileIssue[] = [];
  const at = (line: number, code: string, message: string): IvFileIssue => ({ code, message, where: `${file}:${line}`, file, line });
  const points: { v: number; i: number; line: number }[] = [];
  let sawContent = false;
  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    const line = index + 1;
    const content = raw.replace(/#.*$/, '').trim();
    if (content === '') return;
    const fields = content.split(/\s*[,;\t]\s*|\s+/);
    const numbers = fields.map(parseNumber);
    const isHeader = !sawContent && numbers.every((x) => x === undefined);
    sawContent = true;
    if (isHeader) return;
    if (fields.length !== 2) {
      issues.push(at(line, 'csv-column-count', `expected 2 columns (voltage, current), found ${fields.length}: "${content}"`));
      return;
    }
    const bad = fields.flatMap((f, k) => (numbers[k] === undefined ? [`column ${k + 1} is ${f === '' ? 'empty' : `'${f}', not a finite number`}`] : []));
    if (bad.length) {
      issues.push(at(line, 'csv-not-numeric', `${bad.join('; ')}: "${content}"`));
      return;
    }
    points.push({ v: numbers[0]!, i: numbers[1]!, line });
  });
  if (points.length < 2 && !issues.length) {
    return E.left([{ code: 'csv-too-few-points', message: `found ${points.length} I-V point${points.length === 1 ? '' : 's'}; a device needs at least 2`, where: file, file }]);
  }
  // The sweep direction is set by the first voltage that differs from the first point's.
  const first = points[0]?.v ?? 0;
  const direction = Math.sign((points.find((p) => p.v !== first)?.v ?? first) - first);
  for (let k = 1; k < points.length; k++) {
    const [prev, cur] = [points[k - 1], points[k]];
    if (Math.sign(cur.v - prev.v) === direction && direction !== 0) continue;
    const trend = direction > 0 ? 'increasing (as the sweep starts)' : direction < 0 ? 'decreasing (as the sweep starts)' : 'monotone';
    const what = cur.v === prev.v ? `voltage ${cur.v} repeats line ${prev.line}'s` : `voltage ${cur.v} after ${prev.v} on line ${prev.line}`;
    issues.push(at(cur.line, 'csv-not-monotone', `${what}: voltages must be strictly ${trend}`));
  }
  if (issues.length) return E.left(issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  if (direction < 0) points.reverse();
  return E.right({
    voltages: Float64Array.from(points, (p) => p.v),
    currents: Float64Array.from(points, (p) => p.i),
    lines: Int32Array.from(points, (p) => p.line),
  });
}

// Plain decimal notation only: Number() would also accept '0x1f', 'Infinity' and '' (as 0).
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(field: string): number | undefined {
  if (!DECIMAL.test(field)) return undefined;
  const x = Number(field);
  return Number.isFinite(x) ? x : undefined;
}
