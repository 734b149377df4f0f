import type { BranchCatalog, CompiledBranchType, InitSpec, Issue } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { orThrow } from '../config/train-run-dir';
import { branchCatalog, createContainer } from '../engine';
import type { CliIo } from '../io';
import { CliError, issueIn } from '../issues';
import { pluginsFor } from '../plugins';
import { drawn, emit, plotModule, shortNumber, usage, type OutOptions, type PlotFiles } from './plot-common';
import type { SourceOptions } from './plot-source';

export interface PlotIvOptions extends OutOptions, SourceOptions {
  /** `name=value`, one per parameter to set. */
  readonly param?: readonly string[];
  /** `a:b`, the sweep of v = vs − vd (default -2:2). */
  readonly range?: string;
  /** The destination voltage held fixed during the sweep (default 0). */
  readonly vd?: number;
  readonly points?: number;
}

export interface IvPoint {
  /** vs − vd. */
  readonly v: number;
  readonly current: number;
  readonly dIdVs: number;
  readonly dIdVd: number;
}

export interface PlotIvReport {
  readonly files: PlotFiles;
  readonly type: string;
  readonly params: Readonly<Record<string, number>>;
  readonly points: readonly IvPoint[];
}

/** The value a parameter takes unless set: a constant init as it is, otherwise (random inits) 1. */
function defaultValue(init: InitSpec | undefined): number {
  if (typeof init === 'number') return init;
  if (init === 'zeros') return 0;
  return 1;
}

function resolveType(catalog: BranchCatalog, id: string): CompiledBranchType {
  let result: E.Either<Issue[], CompiledBranchType>;
  if (catalog.types.has(id)) result = catalog.resolve(catalog.types.byName(id).name);
  else if (catalog.families.has(id)) result = catalog.resolve({ family: catalog.families.byName(id).name });
  else {
    const known = [...catalog.types.list(), ...catalog.families.list()].map((t) => t.name).join(', ');
    throw new CliError([{ code: 'unknown-branch-type', message: `no branch type or family '${id}'; known: ${known}`, where: id }]);
  }
  return orThrow(E.mapLeft((issues: Issue[]) => issues.map((i) => ({ ...i, where: i.where ?? id })))(result));
}

function parseRange(text: string): [number, number] {
  const match = /^\s*(-?[\d.eE+-]+)\s*:\s*(-?[\d.eE+-]+)\s*$/.exec(text);
  const a = match ? Number(match[1]) : NaN;
  const b = match ? Number(match[2]) : NaN;
  if (!Number.isFinite(a) || !Number.isFinite(b) || !(a < b)) throw usage('--range', `expected a:b with a < b (volts), got '${text}'`);
  return [a, b];
}

/**
 * `kirchhoff plot iv <branch-type>`: the branch current I against v = vs − vd at a fixed vd (default 0), and
 * its derivatives ∂I/∂vs (and, for controlled types, ∂I/∂vd) from the law core compiled.
 */
export async function plotIvCommand(id: string, options: PlotIvOptions, io: CliIo): Promise<PlotIvReport> {
  const plugins = await pluginsFor(undefined, options.plugin ?? [], io.cwd);
  const catalog = orThrow(E.mapLeft((issues: Issue[]) => issues.map((i) => issueIn('plot iv', i.code, i.message)))(branchCatalog(createContainer(plugins))));
  const type = resolveType(catalog, id);
  const { definition, law, paramNames } = type;
  const values = definition.meta.params.map((p) => defaultValue(p.init ?? definition.meta.init));
  const given = new Set<string>();
  for (const assignment of options.param ?? []) {
    const match = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.+?)\s*$/.exec(assignment);
    if (!match) throw usage('--param', `expected name=value, got '${assignment}'`);
    const [, name, text] = match;
    const k = paramNames.indexOf(name);
    if (k < 0) {
      throw usage('--param', `'${definition.name}' has no parameter '${name}'; its parameters: ${paramNames.join(', ') || 'none'}`, 'unknown-param');
    }
    if (given.has(name)) throw usage('--param', `${name} is given twice`);
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw usage('--param', `${name}: expected a number, got '${text}'`, 'invalid-param-value');
    given.add(name);
    values[k] = value;
  }
  const [a, b] = parseRange(options.range ?? '-2:2');
  const vd = options.vd ?? 0;
  const count = options.points ?? 401;
  if (!Number.isInteger(count) || count < 2 || count > 100_000) throw usage('--points', `expected a whole number of points in 2..100000, got ${count}`);
  const vsIndex = law.law.ports.indexOf('vs');
  const vdIndex = law.law.ports.indexOf('vd');
  if (law.law.ports.length !== 2 || vsIndex < 0 || vdIndex < 0) {
    throw new CliError([{ code: 'not-two-terminal', message: `'${definition.name}' has ports ${law.law.ports.join(', ')}; an I-V curve needs a two-terminal (vs, vd) law`, where: id }]);
  }
  const points: IvPoint[] = Array.from({ length: count }, (_, i) => {
    const v = i === count - 1 ? b : a + ((b - a) * i) / (count - 1);
    const voltages = [0, 0];
    voltages[vsIndex] = vd + v;
    voltages[vdIndex] = vd;
    const at = law.evaluateAt(voltages, values);
    return { v, current: at.currents[0], dIdVs: at.dV[vsIndex], dIdVd: at.dV[vdIndex] };
  });

  const plot = await plotModule();
  const params = Object.fromEntries(paramNames.map((name, k) => [name, values[k]]));
  const paramText = paramNames.length ? paramNames.map((name, k) => `${name} = ${shortNumber(values[k])}${given.has(name) ? '' : '*'}`).join(', ') : 'no parameters';
  const defaulted = paramNames.some((name) => !given.has(name));
  const subtitle = [
    `I = ${law.currentTrees[0].toString()}`,
    `${paramText}${defaulted ? ' (* not set: a constant init, else 1)' : ''}; vd = ${shortNumber(vd)} V`,
  ];
  const controlled = definition.meta.kind === 'controlled';
  const chart = plot.gridChart(
    [
      plot.lineChart({ title: 'Current', x: { title: 'v = vs − vd (V)', domain: [a, b] }, y: { title: 'I (A)' }, series: [{ name: 'I', points: points.map((p) => ({ x: p.v, y: p.current })) }], width: 360, height: 260 }),
      plot.lineChart({
        title: controlled ? 'Derivatives' : 'Derivative (differential conductance)',
        x: { title: 'v = vs − vd (V)', domain: [a, b] },
        y: { title: controlled ? '∂I/∂v (S)' : '∂I/∂vs (S)' },
        series: [
          { name: '∂I/∂vs', points: points.map((p) => ({ x: p.v, y: p.dIdVs })) },
          ...(controlled ? [{ name: '∂I/∂vd', points: points.map((p) => ({ x: p.v, y: p.dIdVd })) }] : []),
        ],
        width: 360,
        height: 260,
      }),
    ],
    { columns: 2, title: `I-V curve of ${definition.name} (${controlled ? `controlled: vd held at ${shortNumber(vd)} V` : 'Δ-type: a function of vs − vd'})`, subtitle },
  );
  const rendered = await drawn(() => plot.renderChart(chart));
  const files = await emit(rendered, options.out, `${definition.name}-iv`, io);
  return { files, type: definition.name, params, points };
}
