import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { KirchhoffError, readCheckpoint, restoreParams, type Issue, type Network, type TrainingCheckpoint } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { CliError, formatPath, issueIn, type FieldPath } from '../issues';
import type { DecodedTrainConfig } from './train-decode';
import type { AnyTrainConfig } from './train-schema';

type AnyDecoded = DecodedTrainConfig<AnyTrainConfig>;

/** The files of a run dir; the last three are written by core's trainer. */
export const RUN_FILES = { config: 'config.yaml', checkpoint: 'checkpoint.json', metrics: 'metrics.jsonl', summary: 'summary.json' } as const;

/** A path for messages: relative to the working directory when inside it, else absolute. */
export function shownPath(cwd: string, absolute: string): string {
  const path = relative(cwd, absolute);
  return path === '' ? '.' : path.startsWith('..') || isAbsolute(path) ? absolute : path;
}

export const runFile = (runDir: string, file: keyof typeof RUN_FILES): string => join(runDir, RUN_FILES[file]);

/**
 * The config as the run dir keeps it: the original text with its comments, but self-contained, since
 * it is read back from another folder: plugin paths made absolute and `runDir` dropped (the folder it
 * sits in is the run dir). `epochs` records a `--epochs` override, so that the copy describes the run.
 */
export function configCopyText(decoded: AnyDecoded, epochs: number, source: string): string {
  const doc = decoded.src.doc.clone();
  (decoded.config.plugins ?? []).forEach((path, k) => doc.setIn(['plugins', k], resolve(decoded.baseDir, path)));
  doc.deleteIn(['runDir']);
  if (epochs !== decoded.config.training.epochs) doc.setIn(['training', 'epochs'], epochs);
  const note = ` Copied by \`kirchhoff train\` from ${source}: runDir removed (this folder is the run dir), plugin paths absolute.`;
  doc.commentBefore = doc.commentBefore ? `${note}\n${doc.commentBefore}` : note;
  return doc.toString();
}

/** The config's meaning, independent of where the file sits and where its run dir is. */
function normalized(decoded: AnyDecoded, ignoreEpochs: boolean): unknown {
  const { runDir: _runDir, $schema: _schema, ...rest } = decoded.config;
  const value = JSON.parse(JSON.stringify(rest)) as Record<string, unknown> & { training: Record<string, unknown> };
  if (rest.plugins) value.plugins = rest.plugins.map((path) => resolve(decoded.baseDir, path));
  if (ignoreEpochs) delete value.training.epochs;
  return value;
}

function differences(a: unknown, b: unknown, path: FieldPath, out: string[]): void {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (isObject(a) && isObject(b) && Array.isArray(a) === Array.isArray(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) differences(a[key], b[key], [...path, Array.isArray(a) ? Number(key) : key], out);
  } else if (!Object.is(a, b)) out.push(formatPath(path) || '(the whole file)');
}

/** Fields in which two configs differ, ignoring location-only settings (and `training.epochs` when overridden). */
export function configDifferences(given: AnyDecoded, copy: AnyDecoded, ignoreEpochs: boolean): string[] {
  const out: string[] = [];
  differences(normalized(given, ignoreEpochs), normalized(copy, ignoreEpochs), [], out);
  return out;
}

/**
 * Core's checkpoint reader, its expected failures (missing, truncated, wrong shape) turned into a
 * CliError located at `shown`, the path as the user would write it.
 */
export function readRunCheckpoint(path: string, network: Pick<Network, 'params'>, shown = path): TrainingCheckpoint {
  try {
    return readCheckpoint(path, network.params.map((p) => p.length));
  } catch (err) {
    if (!(err instanceof KirchhoffError)) throw err;
    const message = err.message.startsWith(path) ? err.message.slice(path.length).replace(/^:\s*/, '') : err.message;
    throw new CliError([issueIn(shown, err.code, message)]);
  }
}

/** Loads a checkpoint's parameters into the network. */
export function loadCheckpointParams(path: string, network: Pick<Network, 'params'>, shown = path): TrainingCheckpoint {
  const checkpoint = readRunCheckpoint(path, network, shown);
  restoreParams(checkpoint, network.params);
  return checkpoint;
}

export const checkpointExists = (runDir: string): boolean => existsSync(runFile(runDir, 'checkpoint'));

/** An Either of issues as a thrown CliError, for commands. */
export function orThrow<T>(result: E.Either<readonly Issue[], T>, exitCode: 1 | 2 = 1): T {
  if (E.isLeft(result)) throw new CliError(result.left, exitCode);
  return result.right;
}
