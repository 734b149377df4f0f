import type { Issue } from '@kirchhoff/core';

/** A field path such as `['slices', 0, 'branches', 2, 'edges', 5]`. */
export type FieldPath = readonly (string | number)[];

/** An Issue that knows where in a file it is; `where` reads `file:line:column: field`. */
export interface FileIssue extends Issue {
  readonly where: string;
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** The field, formatted like `slices[0].branches[2].edges[5]`; empty for the whole file. */
  readonly path: string;
}

/** `['slices', 0, 'duration']` → `slices[0].duration`. */
export function formatPath(path: FieldPath): string {
  return path.reduce<string>(
    (text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment),
    '',
  );
}

/** The inverse of formatPath, for the field paths core puts in `Issue.where`. */
export function parsePath(text: string): (string | number)[] {
  return [...text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
}

/** An issue about a file as a whole, or about a command-line argument, with no line to point at. */
export function issueIn(file: string, code: string, message: string, field = ''): FileIssue {
  return { code, message, where: field ? `${file}: ${field}` : file, file, path: field };
}

/** The line the CLI prints: `error: <file>:<line>:<col>: <field>: <message> [code]`. */
export function formatIssue(issue: Issue): string {
  return `error: ${issue.where ? `${issue.where}: ` : ''}${issue.message} [${issue.code}]`;
}

/** File order, so the messages read top to bottom; issues without a line keep their place before the rest. */
export function byPosition<T extends FileIssue>(issues: readonly T[]): T[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/** Drops repeats, e.g. the same capacitance problem found once per slice. */
export function uniqueIssues<T extends Issue>(issues: readonly T[]): T[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.code}\u0000${i.where ?? ''}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * An expected failure: the CLI prints its issues and exits with `exitCode` (1 for bad input, 2 for
 * bad usage), never with a stack trace.
 */
export class CliError extends Error {
  constructor(
    readonly issues: readonly Issue[],
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'CliError';
  }
}
