import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import type { Issue } from '../../src/errors';
import { compileBranchType, defineBranch, type BranchType } from '../../src/symbolic/branch-type';
import { FunctionTable } from '../../src/symbolic/function-table';

const functions = new FunctionTable();
const base = defineBranch({
  name: 'probe',
  meta: { description: 'test law', params: [{ name: 'theta0' }, { name: 'theta1' }], kind: 'delta' },
  current: 'theta1 * relu(vs - vd - theta0)',
});

function issues(definition: BranchType): Issue[] {
  const result = compileBranchType(definition, functions);
  return E.isLeft(result) ? result.left : [];
}

describe('branch law errors', () => {
  it('names the branch, the unknown symbol and its column', () => {
    const [issue] = issues({ ...base, current: 'theta1 * relu(vs - vdd - theta0)' });
    expect(issue.code).toBe('unknown-symbol');
    expect(issue.where).toBe("branch type 'probe'");
    expect(issue.message).toContain("'vdd'");
    expect(issue.message).toContain('column 20');
  });

  it('tells a function with no derivative rule from an unknown function', () => {
    expect(issues({ ...base, current: 'floor(vs - vd)' }).map((i) => i.code)).toEqual(['no-derivative-rule']);
    expect(issues({ ...base, current: 'frobnicate(vs - vd)' }).map((i) => i.code)).toEqual(['unknown-function']);
  });

  it('collects every problem at once', () => {
    const codes = issues({ ...base, name: 'Bad_Name', current: 'relu(vs, vd) + q' }).map((i) => i.code);
    expect(codes).toEqual(expect.arrayContaining(['invalid-name']));
    const lawCodes = issues({ ...base, current: 'relu(vs, vd) + q' }).map((i) => i.code);
    expect(lawCodes).toEqual(expect.arrayContaining(['wrong-arity', 'unknown-symbol']));
  });

  it('reports syntax errors, unsupported syntax and reserved parameter names', () => {
    expect(issues({ ...base, current: 'theta1 * (vs - ' }).map((i) => i.code)).toEqual(['syntax-error']);
    expect(issues({ ...base, current: 'x = vs' }).map((i) => i.code)).toEqual(['unsupported-syntax']);
    expect(issues({ ...base, current: '[vs, vd]' }).map((i) => i.code)).toContain('unsupported-syntax');
    const reserved = { ...base, meta: { ...base.meta, params: [{ name: 'exp' }, { name: 'pi' }] }, current: 'vs' };
    expect(issues(reserved).map((i) => i.code)).toEqual(['reserved-name', 'reserved-name']);
  });

  it('rejects malformed definitions with field-level messages', () => {
    const broken = { ...base, meta: { ...base.meta, kind: 'diode', params: [{ name: 'theta0', init: 'gaussian' }] } } as unknown as BranchType;
    const codes = issues(broken).map((i) => i.code);
    expect(codes).toEqual(expect.arrayContaining(['invalid-kind', 'invalid-init']));
  });
});

describe('derivative-rule registry', () => {
  it('lets a plugin add a function with its own rule, no core edit needed', () => {
    const table = new FunctionTable([
      {
        name: 'cubic_clip',
        params: ['x'],
        definition: 'x < -1 ? -1 : (x > 1 ? 1 : 1.5 * x - 0.5 * x ^ 3)',
        partials: ['x < -1 ? 0 : (x > 1 ? 0 : 1.5 - 1.5 * x ^ 2)'],
        evaluate: (x) => (x < -1 ? -1 : x > 1 ? 1 : 1.5 * x - 0.5 * x ** 3),
        description: 'smooth clipping',
      },
    ]);
    const law = compileBranchType({ ...base, current: 'theta1 * cubic_clip(vs - vd - theta0)' }, table);
    expect(E.isRight(law)).toBe(true);
    if (E.isRight(law)) {
      const at = law.right.law.evaluateAt([0.5, 0], [0.1, 2]);
      expect(at.currents[0]).toBeCloseTo(2 * (1.5 * 0.4 - 0.5 * 0.064), 14);
      expect(at.dV[0]).toBeCloseTo(2 * (1.5 - 1.5 * 0.16), 14);
    }
  });

  it('differentiates a plugin function from its definition when it gives no partials', () => {
    const table = new FunctionTable([
      { name: 'cube_plus', params: ['x', 'y'], definition: 'x ^ 3 + y * x', evaluate: (x, y) => x ** 3 + y * x, description: '' },
    ]);
    const law = compileBranchType({ ...base, current: 'cube_plus(vs - vd, theta0) * theta1' }, table);
    expect(E.isRight(law)).toBe(true);
    if (E.isRight(law)) {
      const at = law.right.law.evaluateAt([0.5, 0.1], [2, 3]);
      expect(at.dV[0]).toBeCloseTo(3 * (3 * 0.16 + 2), 13);
      expect(at.dTheta[0]).toBeCloseTo(3 * 0.4, 13);
    }
  });

  it('refuses to silently replace a built-in rule', () => {
    expect(() => new FunctionTable([{ name: 'relu', params: ['x'], jsName: 'Math.abs', evaluate: Math.abs, description: '' }])).toThrow(
      /already defined/,
    );
  });

  it('uses sign(x) for |x|, defined at 0, instead of mathjs\'s abs(x)/x', () => {
    const law = compileBranchType({ ...base, current: 'theta1 * abs(vs - vd - theta0)' }, functions);
    expect(E.isRight(law) && law.right.law.evaluateAt([0.1, 0], [0.1, 1]).dV[0]).toBe(0);
  });
});
