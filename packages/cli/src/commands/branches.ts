import type { BranchCatalog, BranchFamily, BranchType, CompiledBranchType, InitSpec, Issue } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { branchCatalog, createContainer } from '../engine';
import type { CliIo } from '../io';
import { CliError, issueIn } from '../issues';
import { pluginsFor } from '../plugins';

export interface BranchesOptions {
  readonly json?: boolean;
  readonly plugin?: readonly string[];
}

interface ParamInfo {
  readonly name: string;
  readonly init: InitSpec;
  readonly trainable: boolean;
  readonly unused?: boolean;
  readonly bounds?: readonly [number, number];
  readonly description?: string;
}

/** A branch type as `kirchhoff branches` shows it, with the partials core derived from its law. */
export interface BranchTypeInfo {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly description: string;
  readonly kind: 'delta' | 'controlled';
  readonly params: readonly ParamInfo[];
  /** The law as core parsed it. */
  readonly current: string;
  readonly dIdVs: string;
  readonly dIdVd: string;
  readonly docsUrl?: string;
}

export interface BranchFamilyInfo {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly description: string;
  readonly options: Readonly<Record<string, string>>;
  /** The member created with no options, when the family has one. */
  readonly default?: BranchTypeInfo;
}

function typeInfo(compiled: CompiledBranchType): BranchTypeInfo {
  const { definition, law } = compiled;
  const [dIdVs, dIdVd] = law.voltagePartials[0];
  return {
    name: definition.name,
    aliases: definition.aliases ?? [],
    description: definition.meta.description,
    kind: definition.meta.kind,
    params: definition.meta.params.map((p) => ({
      name: p.name,
      init: p.init ?? definition.meta.init ?? 'kaiming-normal',
      trainable: p.trainable ?? true,
      ...(p.unused && { unused: true }),
      ...(p.bounds && { bounds: p.bounds }),
      ...(p.description !== undefined && { description: p.description }),
    })),
    current: law.currentTrees[0].toString(),
    dIdVs: dIdVs.toString(),
    dIdVd: dIdVd.toString(),
    ...(definition.meta.docsUrl !== undefined && { docsUrl: definition.meta.docsUrl }),
  };
}

function familyInfo(catalog: BranchCatalog, family: BranchFamily): E.Either<Issue[], BranchFamilyInfo> {
  const base = { name: family.name, aliases: family.aliases ?? [], description: family.meta.description, options: family.meta.options };
  // A family without usable defaults is still listed; only a default that does not compile is a fault.
  const member = family.create({});
  if (E.isLeft(member)) return E.right(base);
  return E.map((compiled: CompiledBranchType) => ({ ...base, default: typeInfo(compiled) }))(catalog.resolve({ family: family.name }));
}

const initText = (init: InitSpec): string =>
  typeof init === 'number' || typeof init === 'string' ? String(init)
  : 'normal' in init ? `normal(mean ${init.normal.mean ?? 0}, std ${init.normal.std})`
  : `uniform(${init.uniform.low}, ${init.uniform.high})`;

function typeText(info: BranchTypeInfo, indent = '  '): string {
  const aka = info.aliases.length ? ` (alias ${info.aliases.join(', ')})` : '';
  const params = info.params.map((p) => {
    const flags = [`init ${initText(p.init)}`, p.trainable ? 'trainable' : 'fixed', p.unused && 'unused by the law', p.bounds && `bounds [${p.bounds.join(', ')}]`].filter(Boolean);
    return `${indent}    ${p.name}: ${flags.join(', ')}${p.description ? ` — ${p.description}` : ''}`;
  });
  return [
    `${indent}${info.name}${aka} — ${info.kind}`,
    `${indent}  ${info.description}`,
    `${indent}  I      = ${info.current}`,
    `${indent}  ∂I/∂vs = ${info.dIdVs}`,
    `${indent}  ∂I/∂vd = ${info.dIdVd}`,
    `${indent}  parameters:${params.length ? '' : ' none'}`,
    ...params,
  ].join('\n');
}

function familyText(info: BranchFamilyInfo, indent = '  '): string {
  const aka = info.aliases.length ? ` (alias ${info.aliases.join(', ')})` : '';
  const options = Object.entries(info.options).map(([k, v]) => `${indent}    ${k}: ${v}`);
  return [
    `${indent}${info.name}${aka} — family; use {family: ${info.name}, options: {…}}`,
    `${indent}  ${info.description}`,
    `${indent}  options:${options.length ? '' : ' none'}`,
    ...options,
    ...(info.default ? [`${indent}  with no options:`, typeText(info.default, `${indent}    `)] : []),
  ].join('\n');
}

/** Describes every registered type and family; types that fail to compile are reported, not skipped. */
function describeAll(catalog: BranchCatalog): { types: BranchTypeInfo[]; families: BranchFamilyInfo[]; issues: Issue[] } {
  const issues: Issue[] = [];
  const collect = <T>(result: E.Either<Issue[], T>): T[] => {
    if (E.isLeft(result)) issues.push(...result.left);
    return E.isRight(result) ? [result.right] : [];
  };
  const types = catalog.types.list().flatMap((t: BranchType) => collect(E.map(typeInfo)(catalog.resolve(t))));
  const families = catalog.families.list().flatMap((f) => collect(familyInfo(catalog, f)));
  return { types, families, issues };
}

/** `kirchhoff branches [id]`: the registered branch types and families, or one of them by id or alias. */
export async function branchesCommand(id: string | undefined, options: BranchesOptions, io: CliIo): Promise<void> {
  const plugins = await pluginsFor(undefined, options.plugin ?? [], io.cwd);
  const catalogResult = branchCatalog(createContainer(plugins));
  if (E.isLeft(catalogResult)) throw new CliError(catalogResult.left.map((i) => issueIn('branches', i.code, i.message)));
  const catalog = catalogResult.right;
  const fail = (issues: Issue[]) => new CliError(issues.map((i) => ({ ...i, where: i.where ?? 'branches' })));

  if (id !== undefined) {
    let shown: BranchTypeInfo | BranchFamilyInfo;
    if (catalog.types.has(id)) {
      const info = E.map(typeInfo)(catalog.resolve(catalog.types.byName(id)));
      if (E.isLeft(info)) throw fail(info.left);
      shown = info.right;
      if (!options.json) io.out(`${typeText(shown, '')}\n`);
    } else if (catalog.families.has(id)) {
      const info = familyInfo(catalog, catalog.families.byName(id));
      if (E.isLeft(info)) throw fail(info.left);
      shown = info.right;
      if (!options.json) io.out(`${familyText(shown, '')}\n`);
    } else {
      const known = [...catalog.types.list(), ...catalog.families.list()].map((x) => x.name).join(', ');
      throw new CliError([{ code: 'unknown-branch-type', message: `no branch type or family '${id}'; known: ${known}`, where: 'branches' }]);
    }
    if (options.json) io.out(`${JSON.stringify(shown, null, 2)}\n`);
    return;
  }

  const { types, families, issues } = describeAll(catalog);
  if (options.json) io.out(`${JSON.stringify({ branchTypes: types, families }, null, 2)}\n`);
  else {
    io.out(['Branch types', ...types.map((t) => typeText(t)), '', 'Branch families', ...families.map((f) => familyText(f))].join('\n') + '\n');
  }
  if (issues.length) throw fail(issues);
}
