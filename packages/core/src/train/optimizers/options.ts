import * as E from 'fp-ts/Either';
import type { Issue } from '../../errors';

/**
 * Bounds shared by numeric options; for a `pair` they hold for each element. Bounds are inclusive unless
 * the matching `exclusive*` flag is set, so betas in [0, 1) read `{ min: 0, max: 1, exclusiveMax: true }`.
 */
interface Bounds {
  readonly min?: number;
  readonly exclusiveMin?: boolean;
  readonly max?: number;
  readonly exclusiveMax?: boolean;
}

/** An option with no `default` is required: leaving it out is a `missing-option` issue. */
export interface NumberOptionSpec extends Bounds {
  readonly type: 'number' | 'integer';
  readonly description: string;
  readonly default?: number;
}

export interface BooleanOptionSpec {
  readonly type: 'boolean';
  readonly description: string;
  readonly default: boolean;
}

/** Two numbers, as PyTorch's `betas=(0.9, 0.999)`. */
export interface PairOptionSpec extends Bounds {
  readonly type: 'pair';
  readonly description: string;
  readonly default: readonly [number, number];
}

/**
 * One option of a training plugin (optimizer, LR schedule). The solvers' `OptionSchema` only knows
 * numbers; optimizers also need a flag (`nesterov`) and a pair (`betas`), hence this wider spec.
 */
export type TrainingOptionSpec = NumberOptionSpec | BooleanOptionSpec | PairOptionSpec;

/** Option name → spec. An option not listed is an error, never a warning. */
export type TrainingOptionSchema = Readonly<Record<string, TrainingOptionSpec>>;

type OptionValue<S extends TrainingOptionSpec> = S extends BooleanOptionSpec
  ? boolean
  : S extends PairOptionSpec
    ? readonly [number, number]
    : number;

/** Every option resolved to its given or default value, typed from the schema. */
export type OptionValues<S extends TrainingOptionSchema> = { readonly [K in keyof S]: OptionValue<S[K]> };

/**
 * Checks `options` against `schema` and fills in defaults, collecting every problem: a non-object
 * (`invalid-options`), unknown keys (`unknown-option`), wrong types or values out of bounds
 * (`invalid-option`) and required options left out (`missing-option`). Each issue's `where` is
 * `${where}.${key}`, so a config decoder can pass its own path.
 */
export function resolveOptions<S extends TrainingOptionSchema>(
  schema: S,
  options: unknown,
  where: string,
): E.Either<Issue[], OptionValues<S>> {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    return E.left([{ code: 'invalid-options', message: `expected an object of options, got ${describe(options)}`, where }]);
  }
  const given = options as Record<string, unknown>;
  const issues: Issue[] = [];
  const known = Object.keys(schema);
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(schema, key)) {
      const message = `unknown option '${key}'; allowed: ${known.join(', ') || '(none)'}`;
      issues.push({ code: 'unknown-option', message, where: `${where}.${key}` });
    }
  }
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(schema)) {
    const value = Object.hasOwn(given, key) ? given[key] : undefined;
    if (value === undefined) {
      if (spec.default === undefined) {
        const message = `option '${key}' is required (${spec.description})`;
        issues.push({ code: 'missing-option', message, where: `${where}.${key}` });
      }
      values[key] = spec.default;
      continue;
    }
    const problem = valueProblem(spec, value);
    if (problem) issues.push({ code: 'invalid-option', message: problem, where: `${where}.${key}` });
    values[key] = value;
  }
  return issues.length > 0 ? E.left(issues) : E.right(values as OptionValues<S>);
}

function valueProblem(spec: TrainingOptionSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `expected true or false, got ${describe(value)}`;
    case 'pair': {
      if (!Array.isArray(value) || value.length !== 2) return `expected a pair of numbers [a, b], got ${describe(value)}`;
      const problems: string[] = [];
      value.forEach((element: unknown, i) => {
        const problem = numberProblem(spec, element, false);
        if (problem) problems.push(`element ${i}: ${problem}`);
      });
      return problems.length > 0 ? problems.join('; ') : undefined;
    }
    default:
      return numberProblem(spec, value, spec.type === 'integer');
  }
}

function numberProblem(bounds: Bounds, value: unknown, integer: boolean): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return `expected a finite number, got ${describe(value)}`;
  if (integer && !Number.isInteger(value)) return `expected a whole number, got ${value}`;
  const { min, max } = bounds;
  if (min !== undefined && (bounds.exclusiveMin ? value <= min : value < min)) {
    return `must be ${bounds.exclusiveMin ? '>' : '≥'} ${min}, got ${value}`;
  }
  if (max !== undefined && (bounds.exclusiveMax ? value >= max : value > max)) {
    return `must be ${bounds.exclusiveMax ? '<' : '≤'} ${max}, got ${value}`;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}
