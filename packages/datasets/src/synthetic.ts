import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { Rng, type Dataset, type DatasetLoadOptions, type DatasetMeta, type DatasetPlugin, type Issue } from '@kirchhoff/core';

/**
 * Shared plumbing of the synthetic sets: option checks, a split-specific seed so train and test are
 * independent draws, and packing into typed arrays. Each set supplies only its sampler.
 */
export interface SyntheticSpec {
  readonly name: string;
  readonly meta: DatasetMeta;
  readonly defaultCount: number;
  /** Option name → [description, default]. */
  readonly options: Readonly<Record<string, readonly [string, number]>>;
  /** Writes `count` points into inputs (count × inputDim) and targets. */
  sample(rng: Rng, count: number, options: Readonly<Record<string, number>>, inputs: Float64Array, targets: Float64Array): void;
}

const SPLIT_SALT = { train: 0x51a7, test: 0x7e57 } as const;

export function defineSynthetic(spec: SyntheticSpec): DatasetPlugin {
  return {
    name: spec.name,
    meta: spec.meta,
    options: Object.fromEntries(Object.entries(spec.options).map(([k, [d, def]]) => [k, `${d} (default ${def})`])),
    load: (request: DatasetLoadOptions) => TE.fromEither(build(spec, request)),
  };
}

function build(spec: SyntheticSpec, request: DatasetLoadOptions): E.Either<Issue[], Dataset> {
  const where = `dataset '${spec.name}'`;
  const issues: Issue[] = [];
  const count = request.n ?? spec.defaultCount;
  if (!Number.isInteger(count) || count < 1) issues.push({ code: 'invalid-count', where, message: `n must be a positive whole number, got ${count}` });
  if (!Number.isInteger(request.seed)) issues.push({ code: 'invalid-seed', where, message: `seed must be a whole number, got ${request.seed}` });
  const options: Record<string, number> = {};
  for (const [key, [, fallback]] of Object.entries(spec.options)) options[key] = fallback;
  for (const [key, value] of Object.entries(request.options ?? {})) {
    if (!(key in spec.options)) {
      issues.push({ code: 'unknown-option', where, message: `unknown option '${key}'; options: ${Object.keys(spec.options).join(', ') || '(none)'}` });
    } else if (typeof value !== 'number' || !Number.isFinite(value)) {
      issues.push({ code: 'invalid-option', where, message: `option '${key}' must be a finite number, got ${JSON.stringify(value)}` });
    } else options[key] = value;
  }
  if (issues.length) return E.left(issues);
  const rng = new Rng((request.seed ^ SPLIT_SALT[request.split]) >>> 0);
  const inputs = new Float64Array(count * spec.meta.inputDim);
  const targets = new Float64Array(count * (spec.meta.task === 'regression' ? (spec.meta.outputDim ?? 1) : 1));
  spec.sample(rng, count, options, inputs, targets);
  return E.right({ inputs, targets, count, inputDim: spec.meta.inputDim });
}
