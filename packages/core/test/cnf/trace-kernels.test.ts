import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { compileLaw } from '../../src/symbolic/compile-law';
import type { ElementLaw } from '../../src/symbolic/element-law';
import { FunctionTable } from '../../src/symbolic/function-table';
import { Rng } from '../../src/random/rng';
import { testType } from '../helpers';

/**
 * The trace kernels on a general element (three ports, two currents, stamps on several ports), with
 * connections that put two ports on one node, so that the W_jk masks of the closed form are exercised:
 * tr is checked against central differences of the element's own `rhs` kernel.
 */
const law: ElementLaw = {
  owner: 'test element',
  ports: ['va', 'vb', 'vc'],
  params: ['g', 'h'],
  currents: [
    { expression: 'tanh(g * va - vb + h * vc)', stamps: [{ port: 0, sign: -1 }, { port: 2, sign: 1 }] },
    { expression: 'g * va * vb + sin(h * vc)', stamps: [{ port: 1, sign: 1 }, { port: 2, sign: -1 }, { port: 0, sign: 1 }] },
  ],
};

const compiled = (() => {
  const result = compileLaw(law, new FunctionTable());
  if (E.isLeft(result)) throw new Error(result.left.map((i) => i.message).join('\n'));
  return result.right;
})();

describe('trace kernels of a general element', () => {
  const rng = new Rng(5);
  const N = 3;
  const B = 2;
  // Element 0: three distinct nodes; element 1: ports 1 and 2 on node 2; element 2: port 0 on ground.
  const conn = [Int32Array.of(1, 3, 0), Int32Array.of(2, 2, 1), Int32Array.of(3, 2, 3)];
  const E_ = 3;
  const params = Float64Array.from({ length: 2 * E_ }, () => rng.normal());
  const C = [1, 0.5, 2];
  const nodeWeight = Float64Array.from([0, ...C.map((c) => 1 / c)]);
  const v = new Float64Array((N + 1) * B);
  for (let i = B; i < v.length; i++) v[i] = rng.normal();

  /** dv/dt (padded, without ground's row being meaningful) from the first-order rhs kernel. */
  const field = (state: Float64Array) => {
    const out = new Float64Array(state.length);
    compiled.kernels.rhs(0, E_, B, conn, params, E_, state, out);
    for (let n = 1; n <= N; n++) for (let b = 0; b < B; b++) out[n * B + b] /= C[n - 1];
    return out;
  };

  it('tr equals the sum of finite-difference diagonal entries, and the fused f equals rhs', () => {
    const tr = new Float64Array(B);
    const f = new Float64Array(v.length);
    compiled.traceKernels().rhs(0, E_, B, conn, params, E_, nodeWeight, v, tr, f);
    const plain = new Float64Array(v.length);
    compiled.kernels.rhs(0, E_, B, conn, params, E_, v, plain);
    for (let i = B; i < v.length; i++) expect(f[i]).toBeCloseTo(plain[i], 14);
    const h = 1e-6;
    for (let b = 0; b < B; b++) {
      let expected = 0;
      for (let n = 1; n <= N; n++) {
        const i = n * B + b;
        const plus = v.slice();
        const minus = v.slice();
        plus[i] += h;
        minus[i] -= h;
        expected += (field(plus)[i] - field(minus)[i]) / (2 * h);
      }
      expect(tr[b]).toBeCloseTo(expected, 7);
    }
  });

  it('the trace row of jvp and the trace part of vjp equal finite differences of tr', () => {
    const kernels = compiled.traceKernels();
    const trOf = (state: Float64Array, p: Float64Array = params) => {
      const tr = new Float64Array(B);
      kernels.rhs(0, E_, B, conn, p, E_, nodeWeight, state, tr, null);
      return tr;
    };
    const u = new Float64Array(v.length);
    for (let i = B; i < u.length; i++) u[i] = rng.normal();
    const coef = Float64Array.from({ length: B }, () => rng.normal());
    const trOut = new Float64Array(B);
    kernels.jvp(0, E_, B, conn, params, E_, nodeWeight, v, u, new Float64Array(v.length), trOut);
    const zero = new Float64Array(v.length);
    const outA = new Float64Array(v.length);
    const grad = new Float64Array(params.length);
    kernels.vjp(0, E_, B, conn, params, E_, nodeWeight, v, zero, coef, outA, grad, null, null);
    const h = 1e-6;
    // Directional derivative of tr along u.
    const plus = v.map((x, i) => x + h * u[i]);
    const minus = v.map((x, i) => x - h * u[i]);
    const tp = trOf(plus);
    const tm = trOf(minus);
    for (let b = 0; b < B; b++) expect(trOut[b]).toBeCloseTo((tp[b] - tm[b]) / (2 * h), 7);
    // Σ_b coef_b·∂tr_b/∂v at every (non-ground) node, and at every parameter.
    const weighted = (state: Float64Array, p: Float64Array = params) => trOf(state, p).reduce((s, t, b) => s + coef[b] * t, 0);
    for (let i = B; i < v.length; i++) {
      const vp = v.slice();
      const vm = v.slice();
      vp[i] += h;
      vm[i] -= h;
      expect(outA[i]).toBeCloseTo((weighted(vp) - weighted(vm)) / (2 * h), 7);
    }
    for (let k = 0; k < params.length; k++) {
      const pp = params.slice();
      const pm = params.slice();
      pp[k] += h;
      pm[k] -= h;
      expect(grad[k]).toBeCloseTo((weighted(v, pp) - weighted(v, pm)) / (2 * h), 7);
    }
  });
});

describe('trace kernels: generated code', () => {
  it('share one tanh per sample between the current, its partials and their partials', () => {
    const kernels = testType('tanh(theta0 * vs + theta1 * vd + theta2)', ['theta0', 'theta1', 'theta2']).law.traceKernels();
    for (const source of [kernels.source.rhsFused, kernels.source.vjpFused, kernels.source.jvp]) {
      const body = source.slice(source.indexOf('{\n      const b = b0;'), source.indexOf('{\n      const b = b0 + 1;'));
      expect(body.match(/Math\.\w+/g)).toEqual(['Math.tanh']);
    }
  });

  it('leave out identically-zero second derivatives of a piecewise-linear law', () => {
    const kernels = testType('theta1 * relu(vs - vd - theta0)', ['theta0', 'theta1'], 'delta').law.traceKernels();
    expect(kernels.source.jvp).not.toContain('trOut');
    expect(kernels.source.vjp).not.toContain('cb * 0');
  });
});
