import * as E from 'fp-ts/Either';
import * as mathjs from 'mathjs';
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, activationByName, compileUnitLaws, type UnitActivationDefinition } from '../../src/circuit/activation';
import { Rng } from '../../src/random/rng';
import { Differentiator } from '../../src/symbolic/differentiate';
import { FunctionTable } from '../../src/symbolic/function-table';
import { compileScalarProgram, type SymbolBinding } from '../../src/symbolic/codegen';

const activation = (name: string) => {
  const a = activationByName(name);
  if (E.isLeft(a)) throw new Error(a.left.message);
  return a.right;
};

/** h away from relu's kink, over a batch of 3. */
function randomGroup(rng: Rng, M: number, B: number): Float64Array {
  return Float64Array.from({ length: M * B }, () => {
    const x = 3 * rng.normal();
    return Math.abs(x) < 1e-3 ? 0.5 : x;
  });
}

describe('node-group activations', () => {
  const rng = new Rng(11);
  const M = 5;
  const B = 3;
  const beta = 1.7;

  for (const def of ACTIVATIONS) {
    it(`${def.name}: J·u matches central differences of f, and f = ∂L/∂h`, () => {
      const act = activation(def.name);
      const h = randomGroup(rng, M, B);
      const u = randomGroup(rng, M, B);
      const f = new Float64Array(M * B);
      const slope = new Float64Array(M * B);
      act.evaluate(h, M, B, beta, f, slope);
      const ju = new Float64Array(M * B);
      act.jvp(f, slope, u, M, B, beta, ju);
      const eps = 1e-6;
      const fPlus = new Float64Array(M * B);
      const fMinus = new Float64Array(M * B);
      act.evaluate(h.map((x, i) => x + eps * u[i]), M, B, beta, fPlus, null);
      act.evaluate(h.map((x, i) => x - eps * u[i]), M, B, beta, fMinus, null);
      ju.forEach((x, i) => expect(x).toBeCloseTo((fPlus[i] - fMinus[i]) / (2 * eps), 6));
      // f = ∂L/∂h: the directional derivative of Σ L along u is ⟨f, u⟩ per sample.
      const lPlus = new Float64Array(B);
      const lMinus = new Float64Array(B);
      act.lagrangian(h.map((x, i) => x + eps * u[i]), M, B, beta, lPlus, null);
      act.lagrangian(h.map((x, i) => x - eps * u[i]), M, B, beta, lMinus, null);
      for (let b = 0; b < B; b++) {
        let dot = 0;
        for (let m = 0; m < M; m++) dot += f[m * B + b] * u[m * B + b];
        expect((lPlus[b] - lMinus[b]) / (2 * eps)).toBeCloseTo(dot, 6);
      }
    });
  }

  it('unit activations: the symbolic ∂L/∂h is the activation itself', () => {
    for (const def of ACTIVATIONS.filter((a): a is UnitActivationDefinition => a.kind === 'unit')) {
      const laws = compileUnitLaws(def);
      if (E.isLeft(laws)) throw new Error(laws.left[0].message);
      for (const h of [-2.3, -0.4, 0.7, 3.1]) {
        const dL = laws.right.lagrangian.evaluateAt([h], [beta]).dV[0];
        expect(dL).toBeCloseTo(laws.right.activation.evaluateAt([h], [beta]).currents[0], 12);
      }
    }
  });

  it('softmax: the Jacobian β(diag f − f fᵀ) is the symbolic Hessian of L = (1/β) log Σ exp(βh)', () => {
    const functions = new FunctionTable();
    const diff = new Differentiator(functions);
    const names = ['h0', 'h1', 'h2'];
    const L = mathjs.parse(`log(exp(beta * h0) + exp(beta * h1) + exp(beta * h2)) / beta`);
    const hessian = names.flatMap((a) => names.map((b) => diff.derivative(diff.derivative(L, a), b)));
    const bindings = new Map<string, SymbolBinding>([...names.map((n, k): [string, SymbolBinding] => [n, { identifier: `x${k}`, perSample: true }]), ['beta', { identifier: 'bt', perSample: false }]]);
    const program = compileScalarProgram(hessian, bindings, functions);
    const body = [...program.elementStatements, ...program.sampleStatements, `return [${program.outputs.join(', ')}];`].join('\n');
    const evaluateHessian = new Function('x0', 'x1', 'x2', 'bt', body) as (a: number, b: number, c: number, bt: number) => number[];
    const h = Float64Array.of(0.3, -1.2, 0.9);
    const symbolic = evaluateHessian(h[0], h[1], h[2], beta);
    const act = activation('softmax');
    const f = new Float64Array(3);
    act.evaluate(h, 3, 1, beta, f, null);
    for (let col = 0; col < 3; col++) {
      const e = new Float64Array(3);
      e[col] = 1;
      const out = new Float64Array(3);
      act.jvp(f, f, e, 3, 1, beta, out);
      for (let row = 0; row < 3; row++) expect(out[row]).toBeCloseTo(symbolic[row * 3 + col], 12);
    }
  });

  it('an unknown activation is refused with the known names', () => {
    const a = activationByName('sigmoidal');
    expect(E.isLeft(a) && a.left.code).toBe('unknown-activation');
  });
});
