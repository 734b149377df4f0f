import { InvalidArgumentError, Option } from 'commander';

/** Command-line value parsers and options shared by every command (commander calls them per value). */

export function parseNumber(value: string): number {
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x)) throw new InvalidArgumentError(`expected a number, got '${value}'`);
  return x;
}

export function parseCount(value: string): number {
  const x = parseNumber(value);
  if (!Number.isInteger(x) || x < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got '${value}'`);
  return x;
}

export function parseIndex(value: string): number {
  const x = parseNumber(value);
  if (!Number.isInteger(x) || x < 0) throw new InvalidArgumentError(`expected a whole number ≥ 0, got '${value}'`);
  return x;
}

export const parseNumberList = (value: string): number[] => value.split(',').map((part) => parseNumber(part.trim()));
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

export const pluginOption = () =>
  new Option('--plugin <path>', 'load branch types, families and function rules from an ES module (repeatable)').argParser(collect).default([]);
