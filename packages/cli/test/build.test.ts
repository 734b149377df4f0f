import { join } from 'node:path';
import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { buildSimulation, type Overrides, type SimulationPlan } from '../src/config/build';
import { decodeCircuitText } from '../src/config/decode';
import { createContainer } from '../src/engine';
import type { FileIssue } from '../src/issues';
import { workspace } from './helpers';

function build(text: string, overrides: Overrides = {}, baseDir = '/nonexistent'): E.Either<FileIssue[], SimulationPlan> {
  const decoded = decodeCircuitText('c.yaml', text, baseDir);
  if (E.isLeft(decoded)) throw new Error(`schema stage rejected the file: ${JSON.stringify(decoded.left)}`);
  return buildSimulation(decoded.right, createContainer(), overrides);
}

function planOf(text: string, overrides?: Overrides, baseDir?: string): SimulationPlan {
  const result = build(text, overrides, baseDir);
  if (E.isLeft(result)) throw new Error(`expected a plan, got ${JSON.stringify(result.left)}`);
  return result.right;
}

function issuesOf(text: string, overrides?: Overrides, baseDir?: string): FileIssue[] {
  const result = build(text, overrides, baseDir);
  if (E.isRight(result)) throw new Error('expected the file to be rejected');
  return result.left;
}

/** The 1-based line of the first line of `text` that contains `marker`. */
const lineOf = (text: string, marker: string) => text.split('\n').findIndex((l) => l.includes(marker)) + 1;

const circuit = (lines: Readonly<Record<string, string | undefined>>) =>
  Object.entries({
    nodes: '5',
    duration: '1',
    branches: `
  - type: conductance
    edges: [[1, 0], [2, 1]]
    params: { g: 0.5 }`,
    input: '[[1, 2, 3, 4, 5]]',
    ...lines,
  })
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n') + '\n';

describe('building a simulation from a decoded file', () => {
  it('builds the model, the node-major input and the solver setup', () => {
    const plan = planOf(circuit({ input: '[[1, 2, 3, 4, 5], [10, 20, 30, 40, 50]]', solver: '{ name: dopri5, rtol: 1e-7, atol: 1e-9 }' }));
    expect(plan.model.numNodes).toBe(5);
    expect(plan.model.slices).toHaveLength(1);
    expect(Array.from(plan.model.slices[0].circuit.groups[0].src)).toEqual([1, 2]);
    expect(Array.from(plan.model.slices[0].circuit.groups[0].params)).toEqual([0.5, 0.5]);
    // Entry (n − 1)·B + b holds node n of sample b.
    expect(Array.from(plan.input)).toEqual([1, 10, 2, 20, 3, 30, 4, 40, 5, 50]);
    expect(plan.batch).toBe(2);
    expect(plan.setup.solver.name).toBe('dopri5');
    expect(plan.saveAt).toEqual([1]);
  });

  it.each([
    { name: 'an unknown branch type', lines: { branches: '\n  - type: shift-tanh-3\n    edges: [[1, 0]]' }, code: 'unknown-branch-type', at: 'shift-tanh-3', path: 'branches[0].type' },
    { name: 'a branch to node 9 of 5', lines: { branches: '\n  - type: conductance\n    edges: [[1, 0], [2, 9]]' }, code: 'node-out-of-range', at: '[2, 9]', path: 'branches[0].edges[1]' },
    { name: 'a self-loop', lines: { branches: '\n  - type: conductance\n    edges: [[3, 3]]' }, code: 'self-loop', at: '[3, 3]', path: 'branches[0].edges[0]' },
    { name: 'a negative capacitance', lines: { capacitance: '[1, 1, -2, 1, 1]' }, code: 'negative-capacitance', at: 'capacitance:', path: 'capacitance[2]' },
    { name: 'a capacitance list of the wrong length', lines: { capacitance: '[1, 1]' }, code: 'capacitance-length', at: 'capacitance:', path: 'capacitance' },
    { name: 'an input of the wrong width', lines: { input: '[[1, 2, 3, 4, 5], [1, 2, 3]]' }, code: 'input-width', at: 'input:', path: 'input[1]' },
    { name: 'an unknown solver', lines: { solver: '{ name: dopri7 }' }, code: 'unknown-solver', at: 'dopri7', path: 'solver.name' },
    { name: 'a bad tolerance', lines: { solver: '{ name: dopri5, rtol: -1 }' }, code: 'invalid-tolerance', at: 'rtol: -1', path: 'solver.rtol' },
    { name: 'an unknown solver option', lines: { solver: '{ name: dopri5, options: { order: 3 } }' }, code: 'unknown-option', at: 'order: 3', path: 'solver.options.order' },
    { name: 'a zero duration', lines: { duration: '0' }, code: 'invalid-duration', at: 'duration: 0', path: 'duration' },
    { name: 'a save time past the end', lines: { save: '[0.5, 2]' }, code: 'save-time-out-of-range', at: 'save:', path: 'save[1]' },
    { name: 'an unknown parameter', lines: { branches: '\n  - type: conductance\n    edges: [[1, 0]]\n    params: { G: 1 }' }, code: 'unknown-param', at: 'G: 1', path: 'branches[0].params.G' },
    { name: 'a parameter list of the wrong length', lines: { branches: '\n  - type: conductance\n    edges: [[1, 0]]\n    params: { g: [1, 2] }' }, code: 'param-length', at: 'g: [1, 2]', path: 'branches[0].params.g' },
    { name: 'a bad family option', lines: { branches: '\n  - type: { family: polynomial, options: { degree: 0 } }\n    edges: [[1, 0]]' }, code: 'invalid-option', at: 'degree: 0', path: 'branches[0].type' },
    { name: 'an unknown family', lines: { branches: '\n  - type: { family: chebyshev }\n    edges: [[1, 0]]' }, code: 'unknown-branch-family', at: 'chebyshev', path: 'branches[0].type' },
  ])('rejects $name with its code and line', ({ lines, code, at, path }) => {
    const text = circuit(lines);
    const issues = issuesOf(text);
    expect(issues.map((i) => ({ code: i.code, line: i.line, path: i.path }))).toContainEqual({ code, line: lineOf(text, at), path });
  });

  describe('inline branch types', () => {
    const withType = (type: string, use = 'my-device') =>
      circuit({ branchTypes: `\n  - ${type}`, branches: `\n  - type: ${use}\n    edges: [[1, 0]]`, nodes: '5' });

    it('compiles and uses a type defined in the file, in both forms', () => {
      const flat = planOf(withType('{ name: my-device, kind: delta, params: [{ name: g, init: 0.25 }], current: "g * tanh(vs - vd)" }'));
      expect(flat.model.slices[0].circuit.groups[0].type.definition.current).toBe('g * tanh(vs - vd)');
      expect(Array.from(flat.model.slices[0].circuit.groups[0].params)).toEqual([0.25]);
      const full = planOf(withType('{ name: my-device, meta: { description: d, params: [g], kind: delta, init: ones }, current: "g * (vs - vd)" }'));
      expect(Array.from(full.model.slices[0].circuit.groups[0].params)).toEqual([1]);
    });

    it('reports an unknown symbol at the expression, once', () => {
      const text = withType('{ name: my-device, kind: delta, params: [g], current: "g * (vs - vx)" }');
      const issues = issuesOf(text);
      expect(issues.map((i) => [i.code, i.line, i.path])).toEqual([['unknown-symbol', lineOf(text, 'vx'), 'branchTypes[0].current']]);
      expect(issues[0].message).toMatch(/'vx'/);
    });

    it('reports a function without a derivative rule', () => {
      // mathjs knows erf, but neither it nor core can differentiate it.
      const text = withType('{ name: my-device, kind: delta, current: "erf(vs - vd)" }');
      const issues = issuesOf(text);
      expect(issues.map((i) => [i.code, i.line, i.path])).toEqual([['no-derivative-rule', lineOf(text, 'erf('), 'branchTypes[0].current']]);
    });

    it('reports a bad declaration at its field', () => {
      const issues = issuesOf(withType('{ name: My_Device, kind: delta, current: vs - vd }', 'My_Device'));
      expect(issues.map((i) => [i.code, i.path])).toEqual([['invalid-name', 'branchTypes[0].name']]);
      const badBounds = issuesOf(withType('{ name: my-device, kind: delta, params: [{ name: g, bounds: [2, 1] }], current: g }'));
      expect(badBounds.map((i) => [i.code, i.path])).toEqual([['invalid-bounds', 'branchTypes[0].params[0]']]);
    });

    it('refuses a name that a registered type already has', () => {
      const issues = issuesOf(withType('{ name: conductance, kind: delta, params: [g], current: "2 * g * (vs - vd)" }', 'conductance'));
      expect(issues.map((i) => [i.code, i.path])).toEqual([['duplicate-branch-type', 'branchTypes[0].name']]);
    });
  });

  it('reports the problems of every stage together', () => {
    const issues = issuesOf(circuit({ branches: '\n  - type: nope\n    edges: [[1, 0]]', input: '[[1]]', solver: '{ name: dopri7 }' }));
    expect(issues.map((i) => i.code)).toEqual(['unknown-branch-type', 'input-width', 'unknown-solver']);
  });

  describe('parameters not given', () => {
    const text = (params: string, seed = 3) =>
      circuit({ seed: String(seed), branches: `\n  - type: shift-tanh-2\n    edges: [[1, 0], [2, 1], [3, 2], [4, 3]]\n    params: ${params}` });
    const rows = (plan: SimulationPlan) => Array.from(plan.model.slices[0].circuit.groups[0].params);

    it('are drawn from the seeded PRNG with the kaiming std √(2/E)', () => {
      const a = rows(planOf(text('{}')));
      expect(rows(planOf(text('{}')))).toEqual(a);
      expect(rows(planOf(text('{}', 4)))).not.toEqual(a);
      const std = Math.sqrt(a.reduce((s, x) => s + x * x, 0) / a.length);
      expect(std).toBeGreaterThan(0.1);
      expect(std).toBeLessThan(2);
    });

    it('keep their values when other rows are given', () => {
      const drawn = rows(planOf(text('{}')));
      const given = rows(planOf(text('{ theta0: 7, theta2: [1, 2, 3, 4] }')));
      expect(given.slice(0, 4)).toEqual([7, 7, 7, 7]);
      expect(given.slice(4, 8)).toEqual(drawn.slice(4, 8));
      expect(given.slice(8)).toEqual([1, 2, 3, 4]);
    });
  });

  describe('binary edge and parameter files', () => {
    const int32 = (values: number[]) => new Uint8Array(Int32Array.from(values).buffer);
    const float32 = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
    const text = (edges: string, params = '') =>
      circuit({ branches: `\n  - type: shift-relu-1\n    edges: ${edges}${params ? `\n    params: ${params}` : ''}` });

    it('reads raw 2×E int32 topology and P×E float32 parameters', () => {
      const dir = workspace({ 'topo.bin': int32([1, 2, 3, 0, 1, 2]), 'params.bin': float32([0.5, -0.25, 0.125, 1, 2, 3]) });
      const plan = planOf(text('{ file: topo.bin, format: int32-le }', '{ file: params.bin, format: float32-le }'), {}, dir);
      const group = plan.model.slices[0].circuit.groups[0];
      expect([Array.from(group.src), Array.from(group.dst)]).toEqual([
        [1, 2, 3],
        [0, 1, 2],
      ]);
      expect(Array.from(group.params)).toEqual([0.5, -0.25, 0.125, 1, 2, 3]);
    });

    it('reports a missing file, an odd topology and a wrong parameter count at the file entry', () => {
      const dir = workspace({ 'odd.bin': int32([1, 2, 3]), 'topo.bin': int32([1, 0]), 'short.bin': float32([1]) });
      const missing = text('{ file: none.bin, format: int32-le }');
      expect(issuesOf(missing, {}, dir)[0]).toMatchObject({ code: 'file-not-found', line: lineOf(missing, 'none.bin'), path: 'branches[0].edges.file' });
      expect(issuesOf(text('{ file: odd.bin, format: int32-le }'), {}, dir)[0]).toMatchObject({ code: 'binary-size', path: 'branches[0].edges.file' });
      expect(issuesOf(text('{ file: topo.bin, format: int32-le }', '{ file: short.bin, format: float32-le }'), {}, dir)[0]).toMatchObject({
        code: 'param-count',
        path: 'branches[0].params',
      });
    });

    it('locates a bad node in a topology file at the edges entry', () => {
      const dir = workspace({ 'topo.bin': int32([1, 2, 0, 6]) });
      const file = text('{ file: topo.bin, format: int32-le }');
      expect(issuesOf(file, {}, dir)[0]).toMatchObject({ code: 'node-out-of-range', line: lineOf(file, 'topo.bin'), path: 'branches[0].edges[1]' });
    });
  });

  describe('command-line overrides', () => {
    it('--solver replaces the file’s solver block, and its problems point at the option', () => {
      const file = circuit({ solver: '{ name: dopri5, rtol: 1e-9, controller: torchdiffeq }' });
      expect(planOf(file, { solver: 'rk4', dt0: 0.01 }).solver).toEqual({ name: 'rk4', dt0: 0.01 });
      expect(planOf(file, { rtol: 1e-5 }).solver).toEqual({ name: 'dopri5', rtol: 1e-5, controller: 'torchdiffeq' });
      expect(issuesOf(file, { solver: 'nope' })[0]).toMatchObject({ code: 'unknown-solver', where: '--solver' });
      expect(issuesOf(file, { atol: -1 })[0]).toMatchObject({ code: 'invalid-tolerance', where: '--atol' });
    });

    it('--t-end sets the duration and --save the save times', () => {
      const plan = planOf(circuit({}), { tEnd: 3, save: [2, 0.5, 3] });
      expect(plan.model.slices[0].duration).toBe(3);
      expect(plan.saveAt).toEqual([0.5, 2, 3]);
      expect(issuesOf(circuit({}), { save: [4] })[0]).toMatchObject({ code: 'save-time-out-of-range', where: '--save' });
      expect(issuesOf(circuit({}), { tEnd: -1 })[0]).toMatchObject({ code: 'invalid-duration', where: '--t-end' });
    });
  });

  it('resolves the output path against the file’s folder', () => {
    const plan = planOf(circuit({ output: '{ path: out/v.json }' }), {}, '/data/runs');
    expect(plan.output).toEqual({ format: undefined, path: join('/data/runs', 'out/v.json') });
  });
});
