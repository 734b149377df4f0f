import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { createCircuit, type Circuit } from '../../src/circuit/circuit';
import { compileControlledSource } from '../../src/circuit/controlled-source';
import type { CouplingMode } from '../../src/circuit/coupling';
import { KclDynamics } from '../../src/dynamics/kcl-dynamics';
import { Rng } from '../../src/random/rng';
import { testType, unwrap } from '../helpers';

const vccs = (() => {
  const s = compileControlledSource({ name: 'diff-tanh', controls: ['va', 'vb'], params: ['g', 'k'], current: 'g * tanh(va - vb) - k * vn' });
  if (E.isLeft(s)) throw new Error(s.left[0].message);
  return s.right;
})();

/**
 * A circuit with every element kind: a branch group, controlled sources, couplings of each activation
 * (one with per-sample weights, one passive), a clamped node and non-unit capacitances.
 */
function mixedCircuit(rng: Rng, B: number, mode: CouplingMode): Circuit {
  const N = 9;
  const w = (n: number) => Float64Array.from({ length: n }, () => rng.normal());
  return unwrap(
    createCircuit({
      numNodes: N,
      capacitance: [1, 0.5, 2, 1.5, 0.25, 1, 0.7, 1.3, 0.9],
      groups: [{ type: testType('tanh(a * vs + b * vd + c)', ['a', 'b', 'c']), src: [1, 2, 5], dst: [2, 3, 0], params: Array.from(w(9)) }],
      sources: [{ type: vccs, controls: [[1, 2], [4, 0], [7, 8]], output: [3, 6, 9], params: Array.from(w(6)) }],
      couplings: [
        { activation: 'softmax', beta: 1.3, source: [4, 5, 6], target: [1, 2], weights: w(6), mode },
        { activation: 'relu', source: [1, 2], target: [4, 5, 6], weights: w(6), layout: 'target-major', mode },
        { activation: 'tanh', source: [7, 8], target: [9, 3], weights: w(4 * B), perSampleBatch: B },
        { activation: 'identity', source: [9], target: [7, 8], weights: w(2), mode },
      ],
      clamped: [8],
    }),
  );
}

describe('couplings, controlled sources and clamped nodes in KclDynamics', () => {
  const B = 3;
  for (const mode of ['virtual-ground', 'passive'] as const) {
    describe(mode, () => {
      const rng = new Rng(mode === 'passive' ? 5 : 4);
      const circuit = mixedCircuit(rng, B, mode);
      const dyn = new KclDynamics(circuit, B);
      const y = Float64Array.from({ length: dyn.size }, () => rng.normal());
      const f = (x: Float64Array) => {
        const out = new Float64Array(dyn.size);
        dyn.vf(0, x, out);
        return out;
      };
      const eps = 1e-6;

      it('the clamped node does not move', () => {
        const rate = f(y);
        for (let b = 0; b < B; b++) expect(Math.abs(rate[7 * B + b])).toBe(0);
      });

      it('jvp matches central differences of vf, and its fused f equals vf', () => {
        const u = Float64Array.from({ length: dyn.size }, () => rng.normal());
        const ju = new Float64Array(dyn.size);
        const fused = new Float64Array(dyn.size);
        dyn.jvp(0, y, u, ju, fused);
        const fp = f(y.map((x, i) => x + eps * u[i]));
        const fm = f(y.map((x, i) => x - eps * u[i]));
        ju.forEach((x, i) => expect(x).toBeCloseTo((fp[i] - fm[i]) / (2 * eps), 5));
        f(y).forEach((x, i) => expect(fused[i]).toBeCloseTo(x, 12));
      });

      it('vjp is the transpose of jvp, and its parameter gradients match differences of ⟨a, f(θ)⟩', () => {
        const a = Float64Array.from({ length: dyn.size }, () => rng.normal());
        const u = Float64Array.from({ length: dyn.size }, () => rng.normal());
        const ju = new Float64Array(dyn.size);
        dyn.jvp(0, y, u, ju);
        const jta = new Float64Array(dyn.size);
        const grads = dyn.paramSizes.map((n) => new Float64Array(n));
        dyn.vjp(0, y, a, jta, grads);
        const dot = (p: Float64Array, q: Float64Array) => p.reduce((s, x, i) => s + x * q[i], 0);
        expect(dot(jta, u)).toBeCloseTo(dot(a, ju), 9);
        const blocks = [...circuit.groups.map((g) => g.params), ...circuit.sources!.map((s) => s.params), ...circuit.couplings!.map((c) => c.weights)];
        expect(blocks.map((b) => b.length)).toEqual(dyn.paramSizes);
        blocks.forEach((theta, k) => {
          for (const i of [0, theta.length - 1]) {
            const keep = theta[i];
            theta[i] = keep + eps;
            const up = dot(a, f(y));
            theta[i] = keep - eps;
            const down = dot(a, f(y));
            theta[i] = keep;
            expect(grads[k][i], `block ${k}, entry ${i}`).toBeCloseTo((up - down) / (2 * eps), 5);
          }
        });
      });
    });
  }

  it('bad couplings and sources are reported with their codes', () => {
    const result = createCircuit({
      numNodes: 3,
      groups: [],
      couplings: [
        { activation: 'softmax', beta: 0, source: [1, 2], target: [3], weights: new Float64Array(2) },
        { activation: 'swish', source: [1, 4], target: [3], weights: new Float64Array(3) },
      ],
      sources: [{ type: vccs, controls: [[1]], output: [0], params: [1, 2] }],
      clamped: [5],
    });
    expect(E.isLeft(result) && result.left.map((i) => i.code).sort()).toEqual(
      ['coupling-weights-length', 'control-count', 'invalid-beta', 'node-out-of-range', 'node-out-of-range', 'node-out-of-range', 'unknown-activation'].sort(),
    );
  });

  it('per-sample weights are tied to their batch size', () => {
    const circuit = mixedCircuit(new Rng(1), 3, 'virtual-ground');
    expect(() => new KclDynamics(circuit, 2)).toThrow(expect.objectContaining({ code: 'coupling-batch-mismatch' }));
  });
});
