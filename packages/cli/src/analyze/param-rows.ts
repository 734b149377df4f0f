import { namedParamRow, usedParamRows, type Network, type ParamRowFilter } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import type { FileIssue } from '../issues';
import { optionIssue } from './kind';

/** The parameter rows `--param` selects: one named row of every branch type that has it, else every used row. */
export function selectParamRows(network: Network, param: string | undefined): E.Either<FileIssue[], ParamRowFilter> {
  if (param === undefined) return E.right(usedParamRows);
  const types = new Map(network.model.slices.flatMap((s) => s.circuit.groups).map((g) => [g.type.definition.name, g.type.definition.meta.params]));
  const usable = [...types.values()].some((params) => params.some((p) => p.name === param && p.unused !== true));
  if (usable) return E.right(namedParamRow(param));
  const listed = [...types].map(([type, params]) => `${type}: ${params.filter((p) => p.unused !== true).map((p) => p.name).join(', ') || 'none'}`).join('; ');
  return E.left([optionIssue('--param', 'unknown-param', `no branch type of this network has a used parameter row '${param}' (${listed})`)]);
}

/** `theta1`, or `every parameter row` for the CSV's comments and the plot's subtitle. */
export const rowsText = (param: string | undefined): string => (param === undefined ? 'every parameter row' : `parameter row ${param}`);
