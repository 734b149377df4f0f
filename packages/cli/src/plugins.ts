import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as E from 'fp-ts/Either';
import type { BranchFamily, BranchType, FunctionRule } from '@kirchhoff/core';
import type { DecodedFile } from './config/decode';
import { issueAt } from './config/source';
import { CliError, issueIn, type FileIssue } from './issues';

/** What one plugin module contributes. */
export interface PluginContents {
  /** The path as the user gave it, for messages. */
  readonly source: string;
  readonly branchTypes: readonly BranchType[];
  readonly families: readonly BranchFamily[];
  readonly functionRules: readonly FunctionRule[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

const looksLikeBranchType = (v: unknown): v is BranchType =>
  isRecord(v) && typeof v.name === 'string' && typeof v.current === 'string' && isRecord(v.meta);

const looksLikeBranchFamily = (v: unknown): v is BranchFamily =>
  isRecord(v) && typeof v.name === 'string' && typeof v.create === 'function';

const looksLikeFunctionRule = (v: unknown): v is FunctionRule =>
  isRecord(v) && typeof v.name === 'string' && Array.isArray(v.params) && typeof v.evaluate === 'function';

/** Sorts a module's exports into the three plugin kinds; arrays (e.g. `export default [a, b]`) are opened. */
function classifyExports(namespace: Readonly<Record<string, unknown>>, source: string): PluginContents {
  const values = new Set(Object.values(namespace).flatMap((v) => (Array.isArray(v) ? v : [v])));
  const all = [...values];
  return {
    source,
    branchTypes: all.filter(looksLikeBranchType),
    families: all.filter(looksLikeBranchFamily),
    functionRules: all.filter(looksLikeFunctionRule),
  };
}

export interface PluginProblem {
  readonly code: 'plugin-not-found' | 'plugin-load-failed' | 'plugin-empty';
  readonly message: string;
}

/**
 * Imports an ES module by file URL (so Windows paths and spaces work) and collects what it exports.
 * A module that exports no branch type, family or function rule is an error: it was surely meant to.
 */
export async function loadPlugin(path: string, baseDir: string): Promise<E.Either<PluginProblem, PluginContents>> {
  const absolute = resolve(baseDir, path);
  try {
    await access(absolute);
  } catch {
    return E.left({ code: 'plugin-not-found', message: `plugin module ${absolute} does not exist` });
  }
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (err) {
    return E.left({ code: 'plugin-load-failed', message: `cannot import plugin module ${absolute}: ${(err as Error).message}` });
  }
  const contents = classifyExports(namespace, path);
  if (!contents.branchTypes.length && !contents.families.length && !contents.functionRules.length) {
    return E.left({
      code: 'plugin-empty',
      message: `plugin module ${absolute} exports no branch type ({name, meta, current}), branch family ({name, create}) or function rule ({name, params, evaluate})`,
    });
  }
  return E.right(contents);
}

export interface PluginRequest {
  readonly path: string;
  readonly baseDir: string;
  /** Locates a problem: at the option for `--plugin`, at the list entry for a file's `plugins`. */
  readonly locate: (problem: PluginProblem) => FileIssue;
}

/** Loads every requested module, in order, reporting all that fail. */
export async function loadPlugins(requests: readonly PluginRequest[]): Promise<E.Either<FileIssue[], PluginContents[]>> {
  const loaded = await Promise.all(requests.map((r) => loadPlugin(r.path, r.baseDir)));
  const issues = loaded.flatMap((result, i) => (E.isLeft(result) ? [requests[i].locate(result.left)] : []));
  return issues.length ? E.left(issues) : E.right(loaded.flatMap((result) => (E.isRight(result) ? [result.right] : [])));
}

/** `--plugin` modules and the file's own `plugins`, each problem located where the module was named. */
export async function pluginsFor(decoded: DecodedFile | undefined, cliPlugins: readonly string[], cwd: string): Promise<PluginContents[]> {
  const fromCli = cliPlugins.map((path): PluginRequest => ({
    path,
    baseDir: cwd,
    locate: (p) => ({ ...issueIn(path, p.code, p.message), where: `--plugin ${path}` }),
  }));
  const fromFile = (decoded?.file.plugins ?? []).map((path, k): PluginRequest => ({
    path,
    baseDir: decoded!.baseDir,
    locate: (p) => issueAt(decoded!.src, ['plugins', k], p.code, p.message),
  }));
  const loaded = await loadPlugins([...fromCli, ...fromFile]);
  if (E.isLeft(loaded)) throw new CliError(loaded.left);
  return loaded.right;
}
