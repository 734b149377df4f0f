import * as E from 'fp-ts/Either';
import type { Issue } from '../errors';

/** SPICE's scale suffixes (case-insensitive; `meg` before `m`, which is milli as in SPICE). */
const SUFFIXES: readonly (readonly [string, number])[] = [
  ['meg', 1e6],
  ['t', 1e12],
  ['g', 1e9],
  ['k', 1e3],
  ['m', 1e-3],
  ['u', 1e-6],
  ['n', 1e-9],
  ['p', 1e-12],
  ['f', 1e-15],
];

/**
 * A value written as SPICE writes it: a number with an optional scale suffix and unit letters after it
 * (`1p`, `1pF`, `10n`, `2.2meg`, `1e-9`). Letters after the suffix are ignored, as SPICE ignores them;
 * as in SPICE, `1F` is one femtofarad and `1M` one milli-unit (`1meg` is 10⁶).
 */
export function parseSpiceValue(text: string, where = 'value'): E.Either<Issue[], number> {
  const match = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)([a-z]*)\s*$/i.exec(text);
  const fail = E.left([{ code: 'invalid-value', where, message: `expected a number with an optional SPICE suffix (f p n u m k meg g t), e.g. 1p or 1e-12, got '${text}'` }]);
  if (!match) return fail;
  const [, number, letters] = match;
  const lower = letters.toLowerCase();
  const suffix = SUFFIXES.find(([s]) => lower.startsWith(s));
  const value = Number(number) * (suffix ? suffix[1] : 1);
  if (!Number.isFinite(value)) return fail;
  // Unit letters alone (`F`, `s`, `V`): no scale.
  if (!suffix && lower !== '' && !/^(s|v|a|ohm|h)$/.test(lower)) return fail;
  return E.right(value);
}

const PREFIXES: readonly (readonly [number, string])[] = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
  [1, ''],
  [1e-3, 'm'],
  [1e-6, 'µ'],
  [1e-9, 'n'],
  [1e-12, 'p'],
  [1e-15, 'f'],
];

/** `1e-12, 'F'` → `1 pF`; four significant digits. */
export function formatSi(value: number, unit: string): string {
  if (value === 0 || !Number.isFinite(value)) return `${value} ${unit}`;
  const magnitude = Math.abs(value);
  const [scale, prefix] = PREFIXES.find(([s]) => magnitude >= s * 0.9999999) ?? PREFIXES[PREFIXES.length - 1];
  return `${Number((value / scale).toPrecision(4))} ${prefix}${unit}`;
}
