import type * as z from 'zod';
import type { FieldPath, FileIssue } from '../issues';
import { issueAt, type SourceFile } from './source';

/**
 * Turns zod's issues into located FileIssues with messages written for people editing a file: what was
 * expected, what was found, and for an unknown key the keys allowed there (with a guess for a typo).
 */

type ZodIssue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;

interface Def {
  readonly type: string;
  readonly shape?: Record<string, Schema>;
  readonly element?: Schema;
  readonly items?: readonly Schema[];
  readonly valueType?: Schema;
  readonly options?: readonly Schema[];
  readonly innerType?: Schema;
  readonly in?: Schema;
}

const defOf = (schema: Schema) => schema._zod.def as unknown as Def;

/** Strips optional/default/nullable/pipe wrappers; a union stays a union. */
function unwrap(schema: Schema): Schema {
  const def = defOf(schema);
  if (def.innerType) return unwrap(def.innerType);
  if (def.type === 'pipe' && def.in) return unwrap(def.in);
  return schema;
}

function childOf(schema: Schema, segment: string | number): Schema | undefined {
  const def = defOf(schema);
  if (def.type === 'object') return def.shape?.[String(segment)];
  if (def.type === 'array') return def.element;
  if (def.type === 'tuple' && typeof segment === 'number') return def.items?.[segment];
  if (def.type === 'record') return def.valueType;
  return undefined;
}

/** The options of a union, recursively; any other schema stands for itself. */
function alternatives(schema: Schema): Schema[] {
  const s = unwrap(schema);
  const def = defOf(s);
  return def.type === 'union' && def.options ? def.options.flatMap(alternatives) : [s];
}

/** Every non-union schema that may describe the value at `path` below `schema`. */
function schemasAt(schema: Schema, path: FieldPath): Schema[] {
  let current = alternatives(schema);
  for (const segment of path) {
    current = current.flatMap((s) => {
      const child = childOf(s, segment);
      return child ? alternatives(child) : [];
    });
  }
  return current;
}

/** The union schema that produced an invalid_union issue at `path`. */
function unionAt(schema: Schema, path: FieldPath): Schema | undefined {
  const candidates = path.length
    ? schemasAt(schema, path.slice(0, -1)).map((s) => childOf(s, path[path.length - 1]))
    : [schema];
  return candidates.map((s) => s && unwrap(s)).find((s): s is Schema => !!s && defOf(s).type === 'union');
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  const scored = candidates.map((c) => ({ c, d: editDistance(word.toLowerCase(), c.toLowerCase()) }));
  const best = scored.sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(1, Math.floor(word.length / 3)) ? best.c : undefined;
}

const EXPECTED: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  tuple: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  return String(value);
}

function valueAt(root: unknown, path: FieldPath): unknown {
  return path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), root);
}

/**
 * Picks the union option the user most plausibly meant: options whose very type did not match are out;
 * among the rest, the one with the fewest unknown keys at the union's own level, then the fewest issues.
 */
function pickOption(errors: readonly (readonly ZodIssue[])[]): number | undefined {
  const scored = errors
    .map((issues, index) => ({
      index,
      typeMismatch: issues.some((i) => i.path.length === 0 && i.code === 'invalid_type'),
      unknownKeys: issues.reduce((n, i) => n + (i.path.length === 0 && i.code === 'unrecognized_keys' ? i.keys.length : 0), 0),
      count: issues.length,
    }))
    .filter((s) => !s.typeMismatch)
    .sort((a, b) => a.unknownKeys - b.unknownKeys || a.count - b.count);
  return scored[0]?.index;
}

function convert(src: SourceFile, schema: Schema, base: FieldPath, issue: ZodIssue): FileIssue[] {
  const path = [...base, ...(issue.path as (string | number)[])];
  const value = valueAt(src.value, path);
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) {
        return [issueAt(src, path, 'missing-field', `missing required field '${String(path[path.length - 1])}' (${EXPECTED[issue.expected] ?? issue.expected})`)];
      }
      // zod's number type refuses Infinity and NaN, which YAML can spell (.inf, .nan).
      if (typeof value === 'number') return [issueAt(src, path, 'invalid-type', `expected a finite number, got ${describeValue(value)}`)];
      return [issueAt(src, path, 'invalid-type', `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(value)}`)];
    case 'unrecognized_keys': {
      const allowed = [...new Set(schemasAt(schema, issue.path as FieldPath).flatMap((s) => Object.keys(defOf(s).shape ?? {})))];
      return issue.keys.map((key) => {
        const guess = closest(key, allowed);
        return issueAt(
          src,
          [...path, key],
          'unknown-key',
          `unknown key '${key}'${guess ? ` (did you mean '${guess}'?)` : ''}; allowed here: ${allowed.join(', ')}`,
          true,
        );
      });
    }
    case 'invalid_union': {
      const union = unionAt(schema, issue.path as FieldPath);
      const choice = pickOption(issue.errors);
      const option = union && choice !== undefined ? defOf(union).options?.[choice] : undefined;
      if (option && choice !== undefined) return issue.errors[choice].flatMap((inner) => convert(src, option, path, inner));
      const expected = [
        ...new Set(issue.errors.flatMap((errs) => errs.flatMap((e) => (e.path.length === 0 && e.code === 'invalid_type' ? [EXPECTED[e.expected] ?? e.expected] : [])))),
      ];
      return [issueAt(src, path, value === undefined ? 'missing-field' : 'invalid-type', `expected ${expected.join(' or ') || 'another value'}, got ${describeValue(value)}`)];
    }
    case 'invalid_value':
      return [issueAt(src, path, 'invalid-value', `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(value)}`)];
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const text =
        issue.origin === 'array' ? `${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} item(s)`
        : issue.origin === 'string' ? `${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} character(s)`
        : `a value ${issue.code === 'too_small' ? '≥' : '≤'} ${bound}`;
      return [issueAt(src, path, issue.code === 'too_small' ? 'too-small' : 'too-big', `expected ${text}, got ${describeValue(value)}`)];
    }
    case 'custom':
      return [issueAt(src, path, (issue.params?.code as string | undefined) ?? 'invalid', issue.message)];
    default:
      return [issueAt(src, path, 'invalid', issue.message)];
  }
}

/** Locates and rewords every issue zod found. */
export function schemaIssues(src: SourceFile, schema: Schema, issues: readonly ZodIssue[]): FileIssue[] {
  return issues.flatMap((issue) => convert(src, schema, [], issue));
}
