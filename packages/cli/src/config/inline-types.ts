import { BRANCH_TYPE, type BranchCatalog, type BranchParam, type BranchType, type Issue } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import type { DependencyContainer } from 'tsyringe';
import { registered } from '../engine';
import type { FieldPath, FileIssue } from '../issues';
import type { InlineBranchType } from './schema';
import { issueAt, type SourceFile } from './source';

/** The file's own form (flat or full, params as names or objects) turned into a plugin's BranchType. */
export function toBranchType(spec: InlineBranchType): BranchType {
  const meta = 'meta' in spec ? spec.meta : spec;
  const params: BranchParam[] = (meta.params ?? []).map((p) => (typeof p === 'string' ? { name: p } : p));
  return {
    name: spec.name,
    ...(spec.aliases && { aliases: spec.aliases }),
    meta: {
      description: meta.description ?? `inline branch type: ${spec.current}`,
      params,
      kind: meta.kind,
      ...(meta.init !== undefined && { init: meta.init }),
      ...(meta.docsUrl !== undefined && { docsUrl: meta.docsUrl }),
    },
    current: spec.current,
  };
}

/** Codes core reports about the `current` expression rather than the type's declarations. */
const EXPRESSION_CODES = new Set([
  'syntax-error',
  'unknown-symbol',
  'unknown-function',
  'no-derivative-rule',
  'wrong-arity',
  'unsupported-operator',
  'unsupported-syntax',
  'invalid-constant',
  'compile-error',
]);

/** Where in an inline definition core's issue belongs: core names `meta.params[k]` etc. in `where`. */
function fieldOf(spec: InlineBranchType, issue: Issue): FieldPath {
  const meta: FieldPath = 'meta' in spec ? ['meta'] : [];
  if (EXPRESSION_CODES.has(issue.code)) return ['current'];
  const param = /meta\.params\[(\d+)\]/.exec(issue.where ?? '');
  if (param) return [...meta, 'params', Number(param[1])];
  if (/meta\.init/.test(issue.where ?? '')) return [...meta, 'init'];
  const byCode: Readonly<Record<string, FieldPath>> = {
    'invalid-name': ['name'],
    'invalid-kind': [...meta, 'kind'],
    'missing-description': [...meta, 'description'],
    'invalid-param-name': [...meta, 'params'],
    'duplicate-param': [...meta, 'params'],
    'reserved-name': [...meta, 'params'],
  };
  return byCode[issue.code] ?? [];
}

export interface InlineTypeIssues {
  /** Names and aliases of inline types that failed, so their uses are not reported a second time. */
  readonly failed: ReadonlySet<string>;
  readonly issues: FileIssue[];
}

/**
 * Registers the file's branch types in the run's container (before the catalog is built). A name or
 * alias that is already taken is reported here, at the definition, and the type is left out.
 */
export function registerInlineTypes(src: SourceFile, specs: readonly InlineBranchType[], container: DependencyContainer): InlineTypeIssues {
  const taken = new Set(registered(container, BRANCH_TYPE).flatMap((t) => [t.name, ...(t.aliases ?? [])]));
  const failed = new Set<string>();
  const issues: FileIssue[] = [];
  specs.forEach((spec, i) => {
    const keys = [spec.name, ...(spec.aliases ?? [])];
    const clash = keys.find((key) => taken.has(key));
    if (clash !== undefined) {
      issues.push(issueAt(src, ['branchTypes', i, 'name'], 'duplicate-branch-type', `branch type '${clash}' is already defined; inline types need names of their own`));
      keys.forEach((key) => failed.add(key));
      return;
    }
    keys.forEach((key) => taken.add(key));
    container.register(BRANCH_TYPE, { useValue: toBranchType(spec) });
  });
  return { failed, issues };
}

/** Compiles every registered inline type once, so that a bad law is reported at its definition, not at each use. */
export function compileInlineTypes(src: SourceFile, specs: readonly InlineBranchType[], catalog: BranchCatalog, skip: ReadonlySet<string>): InlineTypeIssues {
  const failed = new Set<string>();
  const issues = specs.flatMap((spec, i) => {
    if (skip.has(spec.name)) return [];
    const result = catalog.resolve(spec.name);
    if (E.isRight(result)) return [];
    [spec.name, ...(spec.aliases ?? [])].forEach((key) => failed.add(key));
    return result.left.map((issue) => issueAt(src, ['branchTypes', i, ...fieldOf(spec, issue)], issue.code, issue.message));
  });
  return { failed, issues };
}
