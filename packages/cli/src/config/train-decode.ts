import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import * as E from 'fp-ts/Either';
import { byPosition, CliError, issueIn, type FileIssue } from '../issues';
import { loadPlugins, type PluginContents, type PluginRequest } from '../plugins';
import { schemaIssues } from './schema-issues';
import { issueAt, parseSource, type SourceFile } from './source';
import { trainConfigSchema, type TrainConfig } from './train-schema';

export interface DecodedTrainConfig {
  readonly src: SourceFile;
  readonly config: TrainConfig;
  /** The file's folder: relative plugin paths and runDir are resolved against it. */
  readonly baseDir: string;
}

/** Stage one: syntax and shape, every problem at once with file:line:column. */
export function decodeTrainText(path: string, text: string, baseDir: string): E.Either<FileIssue[], DecodedTrainConfig> {
  const parsed = parseSource(path, text);
  if (E.isLeft(parsed)) return parsed;
  const src = parsed.right;
  const result = trainConfigSchema.safeParse(src.value);
  return result.success ? E.right({ src, config: result.data, baseDir }) : E.left(byPosition(schemaIssues(src, trainConfigSchema, result.error.issues)));
}

/** Reads `path` (relative to `cwd`; shown in messages as given) without decoding it. */
export async function readConfigText(path: string, cwd: string): Promise<E.Either<FileIssue[], string>> {
  try {
    return E.right(await readFile(resolve(cwd, path), 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return E.left([issueIn(path, e.code === 'ENOENT' ? 'file-not-found' : 'file-unreadable', e.code === 'ENOENT' ? 'no such file' : e.message)]);
  }
}

export async function decodeTrainFile(path: string, cwd = process.cwd()): Promise<E.Either<FileIssue[], DecodedTrainConfig>> {
  const text = await readConfigText(path, cwd);
  return E.chain((t: string) => decodeTrainText(path, t, dirname(resolve(cwd, path))))(text);
}

/**
 * Whether a parsed file is a training config rather than a circuit file: only training configs have a
 * `model` section, only circuit files a top-level `nodes`.
 */
export const isTrainingConfig = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && 'model' in value && !('nodes' in value);

/** `--plugin` modules and the config's own `plugins`, each problem located where the module was named. */
export async function trainingPlugins(decoded: DecodedTrainConfig, cliPlugins: readonly string[], cwd: string): Promise<PluginContents[]> {
  const fromCli = cliPlugins.map((path): PluginRequest => ({ path, baseDir: cwd, locate: (p) => ({ ...issueIn(path, p.code, p.message), where: `--plugin ${path}` }) }));
  const fromFile = (decoded.config.plugins ?? []).map((path, k): PluginRequest => ({
    path,
    baseDir: decoded.baseDir,
    locate: (p) => issueAt(decoded.src, ['plugins', k], p.code, p.message),
  }));
  const loaded = await loadPlugins([...fromCli, ...fromFile]);
  if (E.isLeft(loaded)) throw new CliError(loaded.left);
  return loaded.right;
}
