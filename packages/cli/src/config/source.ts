import * as E from 'fp-ts/Either';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { FileIssue, FieldPath } from '../issues';
import { formatPath } from '../issues';

/**
 * A parsed YAML or JSON file that remembers where every value came from, so that an issue found at
 * any later stage (schema, core's circuit checks, the solver resolver) can point at file:line:column.
 */
export interface SourceFile {
  /** The path as the user gave it, used in messages. */
  readonly path: string;
  readonly doc: Document;
  readonly lines: LineCounter;
  /** The plain value (YAML anchors and aliases resolved). */
  readonly value: unknown;
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Parses YAML (and so JSON, which YAML 1.2 contains); every syntax error comes back with its position. */
export function parseSource(path: string, text: string): E.Either<FileIssue[], SourceFile> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    return E.left(
      doc.errors.map((err) => {
        const { line, col } = lines.linePos(err.pos[0]);
        return {
          code: 'yaml-syntax',
          message: `${err.message} (${err.code})`,
          where: `${path}:${line}:${col}`,
          file: path,
          line,
          column: col,
          path: '',
        };
      }),
    );
  }
  return E.right({ path, doc, lines, value: doc.toJS({ maxAliasCount: 1000 }) });
}

function keyName(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' || typeof key === 'number' ? String(key) : undefined;
}

/**
 * The node at `path`, or the deepest existing ancestor when the path does not exist (a missing field
 * points at the object that lacks it). With `key`, the position of the last segment's key in its map,
 * which is where an unknown key should be reported.
 */
function nodeAt(src: SourceFile, path: FieldPath, key: boolean): YamlNode | null {
  let node: unknown = src.doc.contents;
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(src.doc);
    const segment = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => keyName(p.key) === String(segment));
      if (!pair) break;
      // `key:` with nothing after it has a null value node; its key still has a position.
      if ((key && i === path.length - 1) || pair.value === null) {
        node = pair.key;
        break;
      }
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      node = node.items[segment];
    } else break;
  }
  return (node as YamlNode | null) ?? null;
}

function positionOf(src: SourceFile, path: FieldPath, key = false): Position {
  const range = nodeAt(src, path, key)?.range;
  if (!range) return { line: 1, column: 1 };
  const { line, col } = src.lines.linePos(range[0]);
  return { line, column: col };
}

/** An issue located at the value (or with `key`, the key) at `path` in the file. */
export function issueAt(src: SourceFile, path: FieldPath, code: string, message: string, key = false): FileIssue {
  const { line, column } = positionOf(src, path, key);
  const field = formatPath(path);
  return {
    code,
    message,
    where: `${src.path}:${line}:${column}${field ? `: ${field}` : ''}`,
    file: src.path,
    line,
    column,
    path: field,
  };
}
