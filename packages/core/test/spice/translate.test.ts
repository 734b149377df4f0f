import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { KirchhoffError } from '../../src/errors';
import { SPICE_FUNCTION_FORMS, spiceNumber, translateBranchType } from '../../src/spice/translate';
import { compileBranchType, defineBranch } from '../../src/symbolic/branch-type';
import { FunctionTable } from '../../src/symbolic/function-table';
import type { FunctionRule } from '../../src/symbolic/functions';
import { testType } from '../helpers';

/** The B-source expression of `current` with parameters θ and terminals v(1), v(2). */
function spice(current: string, theta: Record<string, number> = {}, ends: [string, string] = ['v(1)', 'v(2)']): string {
  const names = Object.keys(theta);
  const law = translateBranchType(testType(current, names), new FunctionTable());
  return law.expression({ theta: (k) => theta[names[k]], vs: ends[0], vd: ends[1] });
}

describe('SPICE translation of branch laws', () => {
  it('prints parameters as literals and folds parameter-only subexpressions per edge', () => {
    expect(spice('tanh(theta0 * vs + theta1 * vd + theta2)', { theta0: 0.5, theta1: -0.25, theta2: 0.125 })).toBe('tanh(0.5 * v(1) + (-0.25) * v(2) + 0.125)');
    // (a − b)/(k·T) reads no voltage: one number per edge.
    expect(spice('(a - b) / (8.617333262e-5 * temp) * (vs - vd)', { a: 0.5, b: 0.25, temp: 300 })).toBe(`${0.25 / (8.617333262e-5 * 300)} * (v(1) - v(2))`);
    // Ground reads 0, folded away.
    expect(spice('g * (vs - vd)', { g: 2 }, ['v(3)', '0'])).toBe('2 * v(3)');
    expect(spice('tanh(theta0 * vs + theta1 * vd + theta2)', { theta0: 0.5, theta1: -0.25, theta2: 0.125 }, ['0', 'v(2)'])).toBe('tanh((-0.25) * v(2) + 0.125)');
  });

  it('maps every elementary function onto its ngspice name', () => {
    const cases: Record<string, string> = {
      exp: 'exp(v(1))',
      log: 'ln(v(1))',
      sqrt: 'sqrt(v(1))',
      cbrt: 'pwr(v(1), 1 / 3)',
      sin: 'sin(v(1))',
      cos: 'cos(v(1))',
      tan: 'tan(v(1))',
      asin: 'asin(v(1))',
      acos: 'acos(v(1))',
      atan: 'atan(v(1))',
      sinh: 'sinh(v(1))',
      cosh: 'cosh(v(1))',
      tanh: 'tanh(v(1))',
      asinh: 'asinh(v(1))',
      acosh: 'acosh(v(1))',
      atanh: 'atanh(v(1))',
      abs: 'abs(v(1))',
      sign: 'sgn(v(1))',
      log1p: 'ln(1 + v(1))',
      expm1: 'exp(v(1)) - 1',
    };
    expect(Object.keys(cases).sort()).toEqual(Object.keys(SPICE_FUNCTION_FORMS).sort());
    for (const [name, expected] of Object.entries(cases)) expect(spice(`${name}(vs)`), name).toBe(expected);
    // A sum as an argument of log1p, and expm1 as an operand, keep their grouping.
    expect(spice('log1p(vs - vd)')).toBe('ln(1 + (v(1) - v(2)))');
    expect(spice('log1p(-vs)')).toBe('ln(1 + (-v(1)))');
    expect(spice('2 * expm1(vs)')).toBe('2 * (exp(v(1)) - 1)');
  });

  it('inlines functions defined by an expression (the ReLU family, max/min/clamp, sigmoid, softplus)', () => {
    expect(spice('theta1 * relu(vs - vd - theta0)', { theta0: 0.5, theta1: 2 })).toBe('2 * (v(1) - v(2) - 0.5 > 0 ? v(1) - v(2) - 0.5 : 0)');
    expect(spice('leaky_relu(vs)')).toBe('v(1) > 0 ? v(1) : 0.01 * v(1)');
    expect(spice('leaky_relu_slope(vs, a)', { a: 0.2 })).toBe('v(1) > 0 ? v(1) : 0.2 * v(1)');
    expect(spice('step(vs)')).toBe('v(1) > 0 ? 1 : 0');
    expect(spice('max(vs, vd)')).toBe('v(1) >= v(2) ? v(1) : v(2)');
    expect(spice('min(vs, 1)')).toBe('v(1) <= 1 ? v(1) : 1');
    expect(spice('clamp(vs, -1, 1)')).toBe('v(1) < -1 ? -1 : (v(1) > 1 ? 1 : v(1))');
    expect(spice('sigmoid(vs)')).toBe('1 / (1 + exp(-v(1)))');
    expect(spice('softplus(vs)')).toBe('v(1) > 0 ? v(1) + ln(1 + exp(-v(1))) : ln(1 + exp(v(1)))');
    expect(spice('square(vs)')).toBe('v(1) * v(1)');
    expect(spice('sech(vs)')).toBe('1 / cosh(v(1))');
  });

  it('writes x^n with pwr for odd whole n (ngspice’s pow and ^ are |x|^y)', () => {
    expect(spice('(vs - vd) ^ 3')).toBe('pwr(v(1) - v(2), 3)');
    expect(spice('(vs - vd) ^ 2')).toBe('pow(v(1) - v(2), 2)');
    expect(spice('vs ^ -1')).toBe('pwr(v(1), -1)');
    expect(spice('vs ^ 0.5')).toBe('pow(v(1), 0.5)');
    expect(spice('pow(vs, 3)')).toBe('pwr(v(1), 3)');
    // A parameter exponent is decided per edge; a voltage exponent cannot be.
    expect(spice('vs ^ n', { n: 3 })).toBe('pwr(v(1), 3)');
    expect(spice('vs ^ n', { n: 4 })).toBe('pow(v(1), 4)');
    expect(spice('vs ^ vd')).toBe('pow(v(1), v(2))');
    expect(spice('-vs ^ 2')).toBe('-pow(v(1), 2)');
    expect(spice('(-vs) ^ 2')).toBe('pow(-v(1), 2)');
  });

  it('keeps the tree’s grouping: minimal parentheses, never fewer than needed', () => {
    expect(spice('vs - (vd - 1)')).toBe('v(1) - (v(2) - 1)');
    expect(spice('(vs - vd) - 1')).toBe('v(1) - v(2) - 1');
    expect(spice('vs / (vd * 2)')).toBe('v(1) / (v(2) * 2)');
    expect(spice('vs * -vd')).toBe('v(1) * (-v(2))');
    expect(spice('-(vs + vd)')).toBe('-(v(1) + v(2))');
    expect(spice('vs - -0.5')).toBe('v(1) - (-0.5)');
    expect(spice('-vs - vd')).toBe('-v(1) - v(2)');
    expect(spice('-vs * vd')).toBe('(-v(1)) * v(2)');
  });

  it('writes comparisons, logic and nested conditionals in ngspice syntax', () => {
    expect(spice('vs > 0 and vd < 1 ? vs : vd')).toBe('v(1) > 0 && v(2) < 1 ? v(1) : v(2)');
    expect(spice('vs >= 0 or not (vd <= 1) ? 1 : 0')).toBe('v(1) >= 0 || !(v(2) <= 1) ? 1 : 0');
    expect(spice('vs == vd ? 1 : (vs != 0 ? 2 : 3)')).toBe('v(1) == v(2) ? 1 : (v(1) != 0 ? 2 : 3)');
    expect(spice('tanh(vs > 0 ? vs : 0)')).toBe('tanh((v(1) > 0 ? v(1) : 0))');
    expect(spice('1 + (vs > 0 ? vs : 0)')).toBe('1 + (v(1) > 0 ? v(1) : 0)');
  });

  it('gives the law with parameter names for the netlist’s comments', () => {
    const law = translateBranchType(testType('theta1 * relu(vs - vd - theta0) + pi', ['theta0', 'theta1']), new FunctionTable());
    expect(law.text).toBe('theta1 * (vs - vd - theta0 > 0 ? vs - vd - theta0 : 0) + pi');
  });

  it('writes numbers in shortest round-trip form, negatives in parentheses', () => {
    expect(spiceNumber(0.1)).toBe('0.1');
    expect(spiceNumber(-2.5e-12)).toBe('(-2.5e-12)');
    expect(spiceNumber(-0)).toBe('0');
    expect(spiceNumber(1e21)).toBe('1e+21');
    expect(() => spiceNumber(NaN)).toThrow(KirchhoffError);
  });

  it('refuses a non-finite parameter value', () => {
    const law = translateBranchType(testType('g / h * vs', ['g', 'h']), new FunctionTable());
    try {
      law.expression({ theta: (k) => [1, 0][k], vs: 'v(1)', vd: 'v(2)' });
      expect.fail('expected an error');
    } catch (err) {
      expect((err as KirchhoffError).code).toBe('spice-nonfinite');
    }
  });

  it('refuses a function ngspice lacks with an error naming the branch type and the function', () => {
    const fround: FunctionRule = { name: 'fround', params: ['x'], jsName: 'Math.fround', partials: ['1'], evaluate: Math.fround, description: 'float32 rounding' };
    const functions = new FunctionTable([fround]);
    const result = compileBranchType(
      defineBranch({ name: 'single-precision', meta: { description: 'g·fround(v)', params: [{ name: 'g' }], kind: 'delta' }, current: 'g * fround(vs - vd)' }),
      functions,
    );
    if (E.isLeft(result)) throw new Error(result.left[0].message);
    try {
      translateBranchType(result.right, functions);
      expect.fail('expected an error');
    } catch (err) {
      const e = err as KirchhoffError;
      expect(e.code).toBe('spice-unsupported-function');
      expect(e.details).toEqual({ branchType: "branch type 'single-precision'", function: 'fround' });
      expect(e.message).toContain("branch type 'single-precision'");
      expect(e.message).toContain("function 'fround'");
    }
  });

  it('uses a plugin’s definition when it overrides a built-in name, and its own form only for the built-in', () => {
    const myTanh: FunctionRule = { name: 'tanh', params: ['x'], definition: 'x / (1 + abs(x))', partials: ['1 / (1 + abs(x)) ^ 2'], evaluate: (x) => x / (1 + Math.abs(x)), description: 'soft sign' };
    const functions = new FunctionTable([myTanh], { override: true });
    const result = compileBranchType(defineBranch({ name: 'soft', meta: { description: 'soft', params: [], kind: 'delta' }, current: 'tanh(vs - vd)' }), functions);
    if (E.isLeft(result)) throw new Error(result.left[0].message);
    expect(translateBranchType(result.right, functions).expression({ theta: () => 0, vs: 'v(1)', vd: 'v(2)' })).toBe('(v(1) - v(2)) / (1 + abs(v(1) - v(2)))');
  });
});
