import { describe, expect, it } from 'vitest';
import { BranchCatalog, createKirchhoffContainer } from '@kirchhoff/core';
import { branchFamilies, branchTypes, registerBranches } from '../src/register';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

describe('branch registry', () => {
  const container = createKirchhoffContainer();
  registerBranches(container);
  const catalog = container.resolve(BranchCatalog);

  it('registers every built-in type and family, each resolvable by id and alias', () => {
    expect(catalog.types.list().map((t) => t.name)).toEqual(branchTypes.map((t) => t.name).sort());
    expect(catalog.families.list().map((f) => f.name)).toEqual(branchFamilies.map((f) => f.name).sort());
    for (const type of branchTypes) {
      expect(catalog.require(type.name).definition).toBe(type);
      for (const alias of type.aliases ?? []) expect(catalog.require(alias).definition).toBe(type);
    }
  });

  it('every type and family has its own test file and doc page (one id, three files)', () => {
    const dir = (p: string) => readdirSync(fileURLToPath(new URL(p, import.meta.url)));
    const tests = dir('.');
    const docs = dir('../docs');
    for (const { name } of [...branchTypes, ...branchFamilies]) {
      expect(tests, `test/${name}.test.ts`).toContain(`${name}.test.ts`);
      expect(docs, `docs/${name}.md`).toContain(`${name}.md`);
    }
  });
});
