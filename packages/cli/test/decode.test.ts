import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { decodeCircuitText } from '../src/config/decode';
import type { FileIssue } from '../src/issues';

const decode = (text: string, name = 'circuit.yaml') => decodeCircuitText(name, text, '/tmp');

function issuesOf(text: string, name?: string): FileIssue[] {
  const result = decode(text, name);
  if (E.isRight(result)) throw new Error('expected the file to be rejected');
  return result.left;
}

const GOOD_YAML = `# a comment
nodes: 2
capacitance: [1, 0.5]
branchTypes:
  - name: leak
    kind: delta
    params: [g]
    current: g * (vs - vd)
  - name: full-form
    meta: { description: a full BranchType, params: [{ name: a, init: zeros, trainable: false }], kind: controlled }
    current: a * vs
slices:
  - duration: 0.5
    branches:
      - type: leak
        edges: [[1, 0], [2, 1]]
        params: { g: [0.1, 0.2] }
  - duration: 0.5
    branches:
      - type: { family: polynomial, options: { degree: 2 } }
        edges: { file: topo.bin, format: int32-le }
        params: { file: params.bin, format: float32-le }
input: [[1, 2], [3, 4]]
seed: 7
solver: { name: dopri5, rtol: 1e-8, atol: 1.0e-9, errorControl: per-sample }
save: [0.25, 1]
output: { format: json, path: out.json }
`;

describe('decoding circuit files', () => {
  it('accepts a YAML file with every feature', () => {
    const result = decode(GOOD_YAML);
    expect(E.isRight(result) && result.right.file).toMatchObject({
      nodes: 2,
      capacitance: [1, 0.5],
      seed: 7,
      solver: { name: 'dopri5', rtol: 1e-8, atol: 1e-9, errorControl: 'per-sample' },
      slices: [{ duration: 0.5 }, { branches: [{ type: { family: 'polynomial' }, edges: { file: 'topo.bin' } }] }],
      input: [
        [1, 2],
        [3, 4],
      ],
    });
  });

  it('accepts the same circuit written as JSON', () => {
    const json = JSON.stringify({
      $schema: './circuit.schema.json',
      nodes: 1,
      duration: 2,
      branches: [{ type: 'conductance', edges: [[1, 0]], params: { g: 0.5 } }],
      input: [[1]],
    });
    const result = decode(json, 'circuit.json');
    expect(E.isRight(result) && result.right.file).toMatchObject({ nodes: 1, duration: 2, branches: [{ type: 'conductance' }] });
  });

  it('resolves YAML anchors, so slices can share their branches', () => {
    const result = decode(`nodes: 1
slices:
  - { duration: 1, branches: &b [{ type: conductance, edges: [[1, 0]] }] }
  - { duration: 1, branches: *b }
input: [[1]]
`);
    expect(E.isRight(result) && result.right.file.slices?.[1].branches).toEqual([{ type: 'conductance', edges: [[1, 0]] }]);
  });

  it.each([
    {
      name: 'a typo in a key, with a suggestion',
      text: 'nodes: 1\nduration: 1\nbranches: []\ninput: [[0]]\nsolver: { name: dopri5, rtoll: 1e-6 }\n',
      code: 'unknown-key',
      line: 5,
      column: 25,
      path: 'solver.rtoll',
      message: /did you mean 'rtol'/,
    },
    {
      name: 'a typo deep inside a slice',
      text: 'nodes: 1\nslices:\n  - duration: 1\n    branches:\n      - type: conductance\n        edgs: [[1, 0]]\ninput: [[0]]\n',
      code: 'unknown-key',
      line: 6,
      column: 9,
      path: 'slices[0].branches[0].edgs',
      message: /did you mean 'edges'/,
    },
    { name: 'a wrong type', text: 'nodes: six\nduration: 1\nbranches: []\ninput: [[0]]\n', code: 'invalid-type', line: 1, column: 8, path: 'nodes', message: /expected a number, got "six"/ },
    { name: 'a wrong type in a union', text: 'nodes: 1\ncapacitance: high\nduration: 1\nbranches: []\ninput: [[0]]\n', code: 'invalid-type', line: 2, column: 14, path: 'capacitance', message: /a number or a list/ },
    { name: 'an edge that is not a pair', text: 'nodes: 2\nduration: 1\nbranches:\n  - { type: conductance, edges: [[1, 2, 0]] }\ninput: [[0, 0]]\n', code: 'too-big', line: 4, column: 34, path: 'branches[0].edges[0]', message: /at most 2/ },
    { name: 'a missing field', text: 'nodes: 1\nduration: 1\nbranches: []\n', code: 'missing-field', line: 1, column: 1, path: 'input', message: /input/ },
    { name: 'a bad output format', text: 'nodes: 1\nduration: 1\nbranches: []\ninput: [[0]]\noutput: { format: xml }\n', code: 'invalid-value', line: 5, column: 19, path: 'output.format', message: /"csv", "json"/ },
    { name: 'slices and the single-slice shorthand together', text: 'nodes: 1\nduration: 1\nslices: [{ duration: 1, branches: [] }]\ninput: [[0]]\n', code: 'conflicting-slices', line: 3, column: 9, path: 'slices', message: /either/ },
  ])('rejects $name', ({ text, code, line, column, path, message }) => {
    const issues = issuesOf(text);
    const issue = issues.find((i) => i.code === code);
    expect(issue, JSON.stringify(issues)).toMatchObject({ code, line, column, path, file: 'circuit.yaml' });
    expect(issue!.message).toMatch(message);
    expect(issue!.where).toBe(`circuit.yaml:${line}:${column}: ${path}`);
  });

  it('reports a YAML syntax error at its line', () => {
    const issues = issuesOf('nodes: 1\nduration: 1\nbranches: [\n  { type: conductance, edges: [[1, 0]] \ninput: [[0]]\n');
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.code === 'yaml-syntax')).toBe(true);
    expect(issues[0]).toMatchObject({ line: 5, file: 'circuit.yaml' });
  });

  it('reports a duplicate key as a syntax error', () => {
    const issues = issuesOf('nodes: 1\nnodes: 2\nduration: 1\nbranches: []\ninput: [[0]]\n');
    expect(issues[0]).toMatchObject({ code: 'yaml-syntax', line: 2 });
  });

  it('reports every problem at once, in file order', () => {
    const issues = issuesOf(`nodes: 1
capacitance: [1, true]
branchTypes:
  - { name: a, kind: sideways, current: vs }
slices:
  - { duration: 1, branches: [], extra: 1 }
  - { duraton: 1, branches: [] }
input: [[0]]
`);
    expect(issues.map((i) => [i.code, i.line])).toEqual([
      ['invalid-type', 2],
      ['invalid-value', 4],
      ['unknown-key', 6],
      ['missing-field', 7],
      ['unknown-key', 7],
    ]);
  });

  it('chooses the form of an inline branch type by its keys', () => {
    const flat = issuesOf('nodes: 1\nbranchTypes:\n  - { name: a, kidn: delta, current: vs }\nduration: 1\nbranches: []\ninput: [[0]]\n');
    expect(flat.map((i) => i.path)).toEqual(['branchTypes[0].kind', 'branchTypes[0].kidn']);
    const full = issuesOf('nodes: 1\nbranchTypes:\n  - name: a\n    meta: { descripton: x, params: [], kind: delta }\n    current: vs\nduration: 1\nbranches: []\ninput: [[0]]\n');
    expect(full.map((i) => i.path)).toEqual(['branchTypes[0].meta.description', 'branchTypes[0].meta.descripton']);
  });
});
