import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import * as E from 'fp-ts/Either';
import { byPosition, CliError, issueIn, type FileIssue } from '../issues';
import { loadPlugins, type PluginContents, type PluginRequest } from '../plugins';
import { schemaIssues } from './schema-issues';
import { issueAt, parseSource, type SourceFile } from './source';
import { anyTrainConfigSchema, trainConfigSchema, type AnyTrainConfig, type TrainConfig } from './train-schema';

export interface DecodedTrainConfig<Config extends AnyTrainConfig = TrainConfig> {
  readonly src: SourceFile;
  readonly config: Config;
  /** The file's folder: relative plugin paths and runDir are resolved against it. */
  readonly baseDir: string;
}

/** Stage one: syntax and shape, every problem at once with file:line:column. */
export function decodeTrainText(path: string, text: string, baseDir: string): E.Either<FileIssue[], DecodedTrainConfig> {
  const parsed = parseSource(path, text);
  if (E.isLeft(parsed)) return parsed;
  const src = parsed.right;
  const kind = modelKind(src.value);
  if (kind !== undefined) {
    const message = `this command works on KirchhoffNets; a '${String(kind)}' model (model.kind) is trained and evaluated with kirchhoff train and eval, and inspected (or exported to SPICE) with kirchhoff kan`;
    return E.left([issueAt(src, ['model', 'kind'], 'unsupported-model-kind', message)]);
  }
  const result = trainConfigSchema.safeParse(src.value);
  return result.success ? E.right({ src, config: result.data, baseDir }) : E.left(byPosition(schemaIssues(src, trainConfigSchema, result.error.issues)));
}

const modelKind = (value: unknown): unknown => {
  const model = (value as { model?: unknown } | null)?.model;
  return typeof model === 'object' && model !== null && 'kind' in model ? (model as { kind: unknown }).kind : undefined;
};

/** Stage one for `train` and `eval`, which also take feed-forward models (`model.kind: kan | mlp`). */
export function decodeAnyTrainText(path: string, text: string, baseDir: string): E.Either<FileIssue[], DecodedTrainConfig<AnyTrainConfig>> {
  const parsed = parseSource(path, text);
  if (E.isLeft(parsed)) return parsed;
  const src = parsed.right;
  const result = anyTrainConfigSchema.safeParse(src.value);
  return result.success ? E.right({ src, config: result.data, baseDir }) : E.left(byPosition(schemaIssues(src, anyTrainConfigSchema, result.error.issues)));
}

export async function decodeAnyTrainFile(path: string, cwd = process.cwd()): Promise<E.Either<FileIssue[], DecodedTrainConfig<AnyTrainConfig>>> {
  const text = await readConfigText(path, cwd);
  return E.chain((t: string) => decodeAnyTrainText(path, t, dirname(resolve(cwd, path))))(text);
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
export async function trainingPlugins(decoded: DecodedTrainConfig<AnyTrainConfig>, cliPlugins: readonly string[], cwd: string): Promise<PluginContents[]> {
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
