import type { BranchType } from '@kirchhoff/core';

export interface BranchModuleOptions {
  /** Comment lines for the top of the file (how it was made, the fit error). */
  readonly header?: readonly string[];
  /** Extra plain data exported as `fitReport`, e.g. the fit report. */
  readonly report?: unknown;
}

/**
 * An ES module that exports `definition` as a plain object (`branchType`, also the default export), in
 * the shape `defineBranch` takes. It imports nothing, so it loads from any folder through the CLI's
 * `--plugin` option or a circuit file's `plugins` list. Everything is written with JSON.stringify, so
 * no text from the data or the command line can become code.
 */
export function branchModuleSource(definition: BranchType, options: BranchModuleOptions = {}): string {
  const comment = (line: string) => `// ${line.replace(/[\r\n\u2028\u2029]+/g, ' ')}`;
  const lines = [
    ...(options.header ?? []).map(comment),
    comment(`A Kirchhoff branch type; load it with --plugin <this file>, then use type '${definition.name}'.`),
    '',
    `export const branchType = ${JSON.stringify(definition, null, 2)};`,
    '',
    'export default branchType;',
  ];
  if (options.report !== undefined) lines.push('', `export const fitReport = ${JSON.stringify(options.report, jsonNumbers, 2)};`);
  return `${lines.join('\n')}\n`;
}

/** JSON has no NaN or Infinity; write them as null rather than fail. */
function jsonNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
