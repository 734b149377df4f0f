import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import * as E from 'fp-ts/Either';
import { byPosition, issueIn, type FileIssue } from '../issues';
import { circuitFileSchema, type CircuitFile } from './schema';
import { schemaIssues } from './schema-issues';
import { parseSource, type SourceFile } from './source';

export interface DecodedFile {
  readonly src: SourceFile;
  readonly file: CircuitFile;
  /** The file's folder: relative plugin, data and output paths in the file are resolved against it. */
  readonly baseDir: string;
}

/** Stage one: syntax and shape. Every problem found comes back at once, each with file:line:column. */
export function decodeCircuitText(path: string, text: string, baseDir: string): E.Either<FileIssue[], DecodedFile> {
  const parsed = parseSource(path, text);
  if (E.isLeft(parsed)) return parsed;
  const src = parsed.right;
  const result = circuitFileSchema.safeParse(src.value);
  return result.success ? E.right({ src, file: result.data, baseDir }) : E.left(byPosition(schemaIssues(src, circuitFileSchema, result.error.issues)));
}

/** `path` is shown in messages as given; it is read relative to `cwd`. */
export async function decodeCircuitFile(path: string, cwd = process.cwd()): Promise<E.Either<FileIssue[], DecodedFile>> {
  const absolute = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return E.left([issueIn(path, e.code === 'ENOENT' ? 'file-not-found' : 'file-unreadable', e.code === 'ENOENT' ? 'no such file' : e.message)]);
  }
  return decodeCircuitText(path, text, dirname(absolute));
}
