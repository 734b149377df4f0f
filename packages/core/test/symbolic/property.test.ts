import * as E from 'fp-ts/Either';
import { derivative } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { createMath } from '../../src/math';
import { Rng } from '../../src/random/rng';
import { compileLaw } from '../../src/symbolic/compile-law';
import { twoTerminalLaw } from '../../src/symbolic/element-law';
import { FunctionTable } from '../../src/symbolic/function-table';
import { simdAgreement } from '../../testing/simd-agreement';

/**
 * Property tests on randomly generated laws: the generated kernels must agree with mathjs evaluating the
 * same text, and, for laws mathjs can differentiate itself, our partials must agree with mathjs's.
 */
const functions = new FunctionTable();
const math = createMath(functions.list());
const PARAMS = ['p0', 'p1', 'p2'];

function randomExpression(rng: Rng, depth: number, smoothOnly: boolean): string {
  const leaves = ['vs', 'vd', ...PARAMS, String(Math.round(rng.normal() * 100) / 100)];
  if (depth === 0 || rng.uniform() < 0.2) return leaves[rng.below(leaves.length)];
  const sub = () => randomExpression(rng, depth - 1, smoothOnly);
  const smoothUnary = ['tanh', 'sin', 'cos', 'atan', 'sinh'];
  const kinkedUnary = ['relu', 'leaky_relu', 'abs', 'sigmoid', 'softplus', 'step', 'square'];
  const unary = smoothOnly ? smoothUnary : [...smoothUnary, ...kinkedUnary];
  switch (rng.below(smoothOnly ? 6 : 9)) {
    case 0:
      return `(${sub()} + ${sub()})`;
    case 1:
      return `(${sub()} - ${sub()})`;
    case 2:
      return `(${sub()} * ${sub()})`;
    case 3:
      return `(${sub()} / (1.5 + cos(${sub()})))`; // bounded away from zero
    case 4:
      return `${unary[rng.below(unary.length)]}(${sub()})`;
    case 5:
      return `(${sub()}) ^ ${1 + rng.below(3)}`;
    case 6:
      return `max(${sub()}, ${sub()})`;
    case 7:
      return `(${sub()} > ${sub()} ? ${sub()} : ${sub()})`;
    default:
      return `-(${sub()})`;
  }
}

const close = (actual: number, expected: number) =>
  Math.abs(actual - expected) <= 1e-10 * Math.max(1, Math.abs(expected)) || (Number.isNaN(actual) && Number.isNaN(expected));

describe('generated kernels on random laws', () => {
  it('evaluate exactly what mathjs evaluates (300 laws × 20 points)', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 300; i++) {
      const text = randomExpression(rng, 4, false);
      const compiled = compileLaw(twoTerminalLaw(`law ${i}`, PARAMS, text), functions);
      if (E.isLeft(compiled)) expect.fail(`${text}: ${compiled.left.map((x) => x.message).join('; ')}`);
      const law = compiled.right;
      const reference = math.compile(text);
      for (let j = 0; j < 20; j++) {
        const scope = { vs: rng.normal(), vd: rng.normal(), p0: rng.normal(), p1: rng.normal(), p2: rng.normal() };
        const expected = reference.evaluate(scope) as number;
        const actual = law.evaluateAt([scope.vs, scope.vd], [scope.p0, scope.p1, scope.p2]).currents[0];
        expect(close(actual, expected), `${text} at ${JSON.stringify(scope)}: kernel ${actual}, mathjs ${expected}`).toBe(true);
      }
    }
  });

  it('SIMD (WebAssembly f64x2) kernels give the JavaScript kernels to rounding in every product (300 laws)', () => {
    const rng = new Rng(13);
    let compiledToSimd = 0;
    for (let i = 0; i < 300; i++) {
      const text = randomExpression(rng, 4, false);
      const compiled = compileLaw(twoTerminalLaw(`law ${i}`, PARAMS, text), functions);
      if (E.isLeft(compiled)) expect.fail(`${text}: ${compiled.left.map((x) => x.message).join('; ')}`);
      const differences = simdAgreement(compiled.right, (r) => ({ voltages: [r.normal(), r.normal()], params: PARAMS.map(() => r.normal()) }), i);
      if (!differences) continue;
      compiledToSimd++;
      for (const [product, difference] of Object.entries(differences)) expect(difference, `${text}: ${product}`).toBeLessThan(1e-12);
    }
    // Every built-in function has a SIMD form (native or per lane), so every law compiles.
    expect(compiledToSimd).toBe(300);
  });

  it("have partials equal to mathjs's own derivative where mathjs can differentiate (150 laws)", () => {
    const rng = new Rng(11);
    for (let i = 0; i < 150; i++) {
      const text = randomExpression(rng, 3, true);
      const compiled = compileLaw(twoTerminalLaw(`law ${i}`, PARAMS, text), functions);
      if (E.isLeft(compiled)) expect.fail(compiled.left.map((x) => x.message).join('; '));
      const symbols = ['vs', 'vd', ...PARAMS];
      const references = symbols.map((s) => derivative(text, s, { simplify: false }).compile());
      for (let j = 0; j < 10; j++) {
        const scope = { vs: rng.normal(), vd: rng.normal(), p0: rng.normal(), p1: rng.normal(), p2: rng.normal() };
        const at = compiled.right.evaluateAt([scope.vs, scope.vd], [scope.p0, scope.p1, scope.p2]);
        const ours = [...at.dV, ...at.dTheta];
        symbols.forEach((s, k) => {
          const expected = references[k].evaluate(scope) as number;
          expect(close(ours[k], expected), `∂(${text})/∂${s}: ours ${ours[k]}, mathjs ${expected}`).toBe(true);
        });
      }
    }
  });
});
