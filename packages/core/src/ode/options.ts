import type { Issue } from '../errors';

/** One plugin option: its type, bounds and default. Solvers and step controllers declare theirs in `meta.options`. */
export interface OptionSpec {
  readonly description: string;
  readonly type: 'number' | 'integer';
  /** Inclusive lower bound unless `exclusiveMin` is set. */
  readonly min?: number;
  readonly exclusiveMin?: boolean;
  /** Inclusive upper bound. */
  readonly max?: number;
  readonly default: number;
}

/** Option name → spec. An option not listed here is an error, never a warning. */
export type OptionSchema = Readonly<Record<string, OptionSpec>>;

/** Every problem with `options` against `schema`: unknown keys (`unknown-option`) and bad values (`invalid-option`). */
export function checkOptions(schema: OptionSchema, options: Readonly<Record<string, unknown>>, where: string): Issue[] {
  const issues: Issue[] = [];
  const known = Object.keys(schema);
  for (const [key, value] of Object.entries(options)) {
    const spec = schema[key];
    if (!spec) {
      issues.push({
        code: 'unknown-option',
        message: `unknown option '${key}'; allowed: ${known.join(', ') || '(none)'}`,
        where: `${where}.${key}`,
      });
      continue;
    }
    const problem = valueProblem(spec, value);
    if (problem) issues.push({ code: 'invalid-option', message: problem, where: `${where}.${key}` });
  }
  return issues;
}

function valueProblem(spec: OptionSpec, value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return `expected a finite number, got ${String(value)}`;
  if (spec.type === 'integer' && !Number.isInteger(value)) return `expected a whole number, got ${value}`;
  if (spec.min !== undefined && (spec.exclusiveMin ? value <= spec.min : value < spec.min)) {
    return `must be ${spec.exclusiveMin ? '>' : '≥'} ${spec.min}, got ${value}`;
  }
  if (spec.max !== undefined && value > spec.max) return `must be ≤ ${spec.max}, got ${value}`;
  return undefined;
}

/** The value of an option already checked by `checkOptions`, or its default. */
export function optionValue(schema: OptionSchema, options: Readonly<Record<string, unknown>> | undefined, key: string): number {
  const spec = schema[key];
  if (!spec) throw new Error(`option '${key}' is not in the schema`);
  const value = options?.[key];
  return typeof value === 'number' ? value : spec.default;
}
