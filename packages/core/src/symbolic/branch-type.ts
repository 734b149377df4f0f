import * as E from 'fp-ts/Either';
import type { Issue } from '../errors';
import { compileLaw, type CompiledLaw } from './compile-law';
import { twoTerminalLaw } from './element-law';
import type { FunctionTable } from './function-table';

/** How a parameter row is initialised. `kaiming-normal` is the original's: std = √(2/E) per slice. */
export type InitSpec =
  | number
  | 'kaiming-normal'
  | 'zeros'
  | 'ones'
  | { readonly normal: { readonly mean?: number; readonly std: number } }
  | { readonly uniform: { readonly low: number; readonly high: number } };

export interface BranchParam {
  readonly name: string;
  /** Overrides the type's default init for this row. */
  readonly init?: InitSpec;
  /** Default true. A non-trainable row keeps its value during training. */
  readonly trainable?: boolean;
  readonly bounds?: readonly [number, number];
  /** A row the law does not read (kept for the original's parameter layout, e.g. ShiftTanh1's θ₂). */
  readonly unused?: boolean;
  readonly description?: string;
}

/**
 * A branch type: a plain object, like an ESLint rule. `current` is a mathjs expression in `vs`, `vd`
 * (source and destination voltages) and the parameter names; positive current flows source → destination.
 * `kind: 'delta'` claims the law depends on vs − vd only (a true two-terminal device); `'controlled'`
 * laws act as voltage-controlled sources. The conformance suite checks the claim.
 */
export interface BranchType {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly meta: {
    readonly description: string;
    readonly params: readonly BranchParam[];
    readonly kind: 'delta' | 'controlled';
    readonly init?: InitSpec;
    readonly docsUrl?: string;
  };
  readonly current: string;
}

/** Identity, for type inference and a single place to document the shape. */
export const defineBranch = <T extends BranchType>(definition: T): T => definition;

/** A family of branch types produced from options, e.g. a polynomial of degree n. */
export interface BranchFamily<Options = Record<string, unknown>> {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly meta: {
    readonly description: string;
    /** Option names with a one-line description each; unknown options are rejected. */
    readonly options: Readonly<Record<string, string>>;
  };
  create(options: Options): E.Either<Issue[], BranchType>;
}

export const defineBranchFamily = <O>(family: BranchFamily<O>): BranchFamily<O> => family;

export interface CompiledBranchType {
  readonly definition: BranchType;
  readonly law: CompiledLaw;
  readonly paramNames: readonly string[];
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function validateInit(init: unknown, where: string): Issue[] {
  if (init === undefined || typeof init === 'number' || init === 'kaiming-normal' || init === 'zeros' || init === 'ones') {
    return typeof init === 'number' && !Number.isFinite(init)
      ? [{ code: 'invalid-init', where, message: `init ${init} is not a finite number` }]
      : [];
  }
  if (typeof init === 'object' && init !== null) {
    const o = init as Record<string, Record<string, unknown>>;
    if (o.normal && typeof o.normal.std === 'number' && o.normal.std >= 0) return [];
    if (o.uniform && typeof o.uniform.low === 'number' && typeof o.uniform.high === 'number' && o.uniform.low <= o.uniform.high) return [];
  }
  return [
    {
      code: 'invalid-init',
      where,
      message: `init ${JSON.stringify(init)} is not one of: a number, 'kaiming-normal', 'zeros', 'ones', {normal: {mean?, std}}, {uniform: {low, high}}`,
    },
  ];
}

/** Checks the definition's shape and compiles its law; returns every problem found. */
export function compileBranchType(definition: BranchType, functions: FunctionTable): E.Either<Issue[], CompiledBranchType> {
  const owner = `branch type '${definition?.name ?? '?'}'`;
  const issues: Issue[] = [];
  if (typeof definition?.name !== 'string' || !KEBAB.test(definition.name)) {
    issues.push({ code: 'invalid-name', where: owner, message: `name must be a kebab-case id such as 'shift-relu-1', got ${JSON.stringify(definition?.name)}` });
  }
  const meta = definition?.meta;
  if (!meta || typeof meta.description !== 'string') {
    issues.push({ code: 'missing-description', where: owner, message: 'meta.description must be a one-line string' });
  }
  if (meta?.kind !== 'delta' && meta?.kind !== 'controlled') {
    issues.push({ code: 'invalid-kind', where: owner, message: `meta.kind must be 'delta' or 'controlled', got ${JSON.stringify(meta?.kind)}` });
  }
  if (!Array.isArray(meta?.params)) {
    issues.push({ code: 'invalid-params', where: owner, message: 'meta.params must be a list of {name, init?, trainable?, bounds?}' });
  }
  if (typeof definition?.current !== 'string' || definition.current.trim() === '') {
    issues.push({ code: 'missing-current', where: owner, message: 'current must be a non-empty expression string' });
  }
  const params = Array.isArray(meta?.params) ? meta.params : [];
  params.forEach((p, i) => {
    const where = `${owner} meta.params[${i}]`;
    if (typeof p?.name !== 'string') issues.push({ code: 'invalid-param-name', where, message: 'name must be a string' });
    issues.push(...validateInit(p?.init, where));
    if (p?.bounds !== undefined && !(Array.isArray(p.bounds) && p.bounds.length === 2 && p.bounds[0] < p.bounds[1])) {
      issues.push({ code: 'invalid-bounds', where, message: `bounds must be [low, high] with low < high, got ${JSON.stringify(p.bounds)}` });
    }
  });
  issues.push(...validateInit(meta?.init, `${owner} meta.init`));
  if (issues.length) return E.left(issues);
  const paramNames = params.map((p) => p.name);
  return E.map((law: CompiledLaw) => ({ definition, law, paramNames }))(
    compileLaw(twoTerminalLaw(owner, paramNames, definition.current), functions),
  );
}
