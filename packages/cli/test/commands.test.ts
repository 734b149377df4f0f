import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { branchTypes, branchFamilies } from '@kirchhoff/branches';
import { solvers, stepControllers } from '@kirchhoff/solvers';
import { describe, expect, it } from 'vitest';
import { circuitJsonSchema } from '../src/config/schema';
import { runCli } from '../src/program';
import { FIXTURES, memoryIo, tempDir } from './helpers';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo(tempDir());
  const code = await runCli(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('kirchhoff branches', () => {
  it('lists every registered type and family with its law and derived partials', async () => {
    const { code, out } = await run(['branches']);
    expect(code).toBe(0);
    for (const t of branchTypes) expect(out).toContain(`\n  ${t.name}`);
    for (const f of branchFamilies) expect(out).toContain(`\n  ${f.name}`);
    expect(out).toContain('  conductance — delta\n');
    expect(out).toContain('    ∂I/∂vs = g\n    ∂I/∂vd = -g\n');
  });

  it('shows one type by id or alias, and a family with its default member', async () => {
    const byAlias = await run(['branches', 'ShiftTanh2']);
    expect(byAlias.out).toMatch(/^shift-tanh-2 \(alias ShiftTanh2\) — controlled\n/);
    expect(byAlias.out).toContain('∂I/∂vs = sech(theta0 * vs + theta1 * vd + theta2) ^ 2 * theta0');
    expect(byAlias.out).toMatch(/theta2: init kaiming-normal, trainable — bias/);
    const family = await run(['branches', 'polynomial']);
    expect(family.out).toMatch(/^polynomial — family/);
    expect(family.out).toContain('degree: ');
    expect(family.out).toContain('polynomial-3 — delta');
  });

  it('prints JSON', async () => {
    const all = JSON.parse((await run(['branches', '--json'])).out);
    expect(all.branchTypes.map((t: { name: string }) => t.name)).toEqual(branchTypes.map((t) => t.name).sort());
    const one = JSON.parse((await run(['branches', 'conductance', '--json'])).out);
    expect(one).toMatchObject({ name: 'conductance', kind: 'delta', current: 'g * (vs - vd)', dIdVs: 'g', dIdVd: '-g', params: [{ name: 'g', trainable: true }] });
  });

  it('includes plugin types, and rejects an unknown id', async () => {
    const withPlugin = await run(['branches', 'quadratic-leak', '--plugin', join(FIXTURES, 'quadratic-leak.mjs')]);
    expect(withPlugin.code).toBe(0);
    expect(withPlugin.out).toContain('∂I/∂vs = a * 2 * (vs - vd)');
    const unknown = await run(['branches', 'flux-capacitor']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^error: branches: no branch type or family 'flux-capacitor'; known: .*shift-tanh-2.* \[unknown-branch-type\]\n$/);
  });
});

describe('kirchhoff solvers', () => {
  it('lists every solver and step controller with its metadata', async () => {
    const { code, out } = await run(['solvers']);
    expect(code).toBe(0);
    for (const s of solvers) expect(out).toContain(`\n  ${s.name}`);
    for (const c of stepControllers) expect(out).toContain(`\n  ${c.name}`);
    const json = JSON.parse((await run(['solvers', '--json'])).out);
    expect(json.solvers.find((s: { name: string }) => s.name === 'dopri5').meta).toMatchObject({ order: 5, adaptive: true });
    expect(json.controllers.map((c: { name: string }) => c.name)).toEqual(stepControllers.map((c) => c.name).sort());
  });
});

describe('the command line', () => {
  it.each([[[]], [['simulate']], [['branches']], [['solvers']], [['schema']]])('has --help for %j', async (argv) => {
    const { code, out } = await run([...argv, '--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: kirchhoff/);
  });

  it('documents every simulate option', async () => {
    const { out } = await run(['simulate', '--help']);
    for (const option of ['--solver', '--rtol', '--atol', '--dt0', '--t-end', '--save', '--out', '--plugin', '--format']) expect(out).toContain(option);
  });

  it('exits 2 on an unknown command or option', async () => {
    expect((await run(['simulat'])).code).toBe(2);
    expect((await run(['solvers', '--verbose'])).code).toBe(2);
  });
});

describe('the JSON schema of circuit files', () => {
  it('is committed exactly as `pnpm --filter @kirchhoff/cli schema` generates it', () => {
    const committed = readFileSync(new URL('../schema/circuit.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(circuitJsonSchema());
  });

  it('rejects unknown keys at every level', () => {
    const schema = JSON.parse(circuitJsonSchema());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.$defs.BranchGroup.additionalProperties).toBe(false);
  });
});
