import { describe, expect, it } from 'vitest';
import { randomEdges } from '../../testing/random-circuits';
import { createCircuit } from '../../src/circuit/circuit';
import { KclDynamics } from '../../src/dynamics/kcl-dynamics';
import { KirchhoffError } from '../../src/errors';
import { Rng } from '../../src/random/rng';
import { testType, unwrap } from '../helpers';

/** A random circuit with two groups of different laws and non-unit capacitances. */
function randomCircuit(rng: Rng) {
  const N = 5;
  const groups = [
    { type: testType('tanh(a * vs + b * vd + c)', ['a', 'b', 'c']), edges: 9 },
    { type: testType('k * (vs - vd) ^ 3 + g * sin(vs - vd)', ['k', 'g'], 'delta'), edges: 6 },
  ].map(({ type, edges }) => {
    const { src, dst } = randomEdges(rng, N, edges);
    const params = Array.from({ length: type.paramNames.length * edges }, () => rng.normal());
    return { type, src, dst, params };
  });
  return unwrap(createCircuit({ numNodes: N, capacitance: [1, 0.5, 2, 1.5, 0.25], groups }));
}

describe('KclDynamics', () => {
  const rng = new Rng(3);
  const circuit = randomCircuit(rng);
  const B = 2;
  const dyn = new KclDynamics(circuit, B);
  const y = Float64Array.from({ length: dyn.size }, () => rng.normal());
  const f = (x: Float64Array) => {
    const out = new Float64Array(dyn.size);
    dyn.vf(0, x, out);
    return out;
  };

  it('computes C·dv/dt = Σ incoming − Σ outgoing currents', () => {
    // Independent scatter, straight from the definition of KCL.
    const expected = new Float64Array(dyn.size);
    for (const g of circuit.groups) {
      for (let e = 0; e < g.size; e++) {
        const theta = g.type.paramNames.map((_, k) => g.params[k * g.size + e]);
        for (let b = 0; b < B; b++) {
          const volt = (n: number) => (n === 0 ? 0 : y[(n - 1) * B + b]);
          const I = g.type.law.evaluateAt([volt(g.src[e]), volt(g.dst[e])], theta).currents[0];
          if (g.src[e] > 0) expected[(g.src[e] - 1) * B + b] -= I / circuit.capacitance[g.src[e] - 1];
          if (g.dst[e] > 0) expected[(g.dst[e] - 1) * B + b] += I / circuit.capacitance[g.dst[e] - 1];
        }
      }
    }
    f(y).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 13));
  });

  it('jvp and vjp equal products with a finite-difference Jacobian', () => {
    const n = dyn.size;
    const h = 1e-6;
    const jac = Array.from({ length: n }, (_, j) => {
      const plus = y.slice();
      const minus = y.slice();
      plus[j] += h;
      minus[j] -= h;
      const fp = f(plus);
      const fm = f(minus);
      return Array.from(fp, (v, i) => (v - fm[i]) / (2 * h)); // column j
    });
    const u = Float64Array.from({ length: n }, () => rng.normal());
    const a = Float64Array.from({ length: n }, () => rng.normal());
    const jvp = new Float64Array(n);
    const fused = new Float64Array(n);
    dyn.jvp(0, y, u, jvp, fused);
    const vjp = new Float64Array(n);
    dyn.vjp(0, y, a, vjp, null);
    for (let i = 0; i < n; i++) {
      const ju = jac.reduce((s, col, j) => s + col[i] * u[j], 0);
      const jta = jac[i].reduce((s, v, k) => s + v * a[k], 0);
      expect(jvp[i]).toBeCloseTo(ju, 7);
      expect(vjp[i]).toBeCloseTo(jta, 7);
    }
    Array.from(f(y)).forEach((v, i) => expect(fused[i]).toBeCloseTo(v, 14));
  });

  it('parameter gradients of aᵀf equal finite differences in each parameter', () => {
    const a = Float64Array.from({ length: dyn.size }, () => rng.normal());
    const grads = circuit.groups.map((g) => new Float64Array(g.params.length));
    dyn.vjp(0, y, a, new Float64Array(dyn.size), grads);
    const aDotF = () => f(y).reduce((s, v, i) => s + v * a[i], 0);
    circuit.groups.forEach((g, gi) => {
      for (let k = 0; k < g.params.length; k++) {
        const saved = g.params[k];
        g.params[k] = saved + 1e-6;
        const up = aDotF();
        g.params[k] = saved - 1e-6;
        const down = aDotF();
        g.params[k] = saved;
        expect(grads[gi][k]).toBeCloseTo((up - down) / 2e-6, 6);
      }
    });
  });

  it('makes a node without capacitance algebraic: mass 0, and its row is the net current into it', () => {
    // Random laws again, with nodes 2 and 4 algebraic.
    const zeroC = unwrap(createCircuit({ numNodes: 5, capacitance: [1, 0, 2, 0, 0.25], groups: circuit.groups }));
    const dae = new KclDynamics(zeroC, B);
    expect(dae.algebraicNodes).toEqual([2, 4]);
    expect(Array.from(dae.mass!)).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 1, 1]);
    expect(Array.from(dae.currentScale)).toEqual([1, 1, 2, 1, 0.25]);
    const out = new Float64Array(dae.size);
    dae.vf(0, y, out);
    const ode = f(y);
    // Rows with capacitance are unchanged; an algebraic row is C·f of the same circuit with C = 1 there.
    const ones = new KclDynamics(unwrap(createCircuit({ numNodes: 5, capacitance: [1, 1, 2, 1, 0.25], groups: circuit.groups })), B);
    const unit = new Float64Array(dae.size);
    ones.vf(0, y, unit);
    out.forEach((v, i) => {
      const node = Math.floor(i / B) + 1;
      expect(v).toBeCloseTo(node === 2 || node === 4 ? unit[i] : ode[i], 13);
    });
    expect(new KclDynamics(circuit, B).mass).toBeUndefined();
  });

  it('refuses an algebraic node with no branch at all (a singular circuit), naming it, before any numerics', () => {
    const zeroC = unwrap(createCircuit({ numNodes: 3, capacitance: [1, 0, 0], groups: [{ type: testType('g * (vs - vd)', ['g'], 'delta'), src: [1], dst: [3], params: [1] }] }));
    let error: unknown;
    try {
      new KclDynamics(zeroC, 1);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KirchhoffError);
    expect((error as KirchhoffError).code).toBe('singular-circuit');
    expect((error as KirchhoffError).details).toMatchObject({ node: 2 });
    expect((error as KirchhoffError).message).toMatch(/node 2 has no capacitance and no branch/);
  });

  it('refuses a negative capacitance in a circuit built without createCircuit', () => {
    const bad = { numNodes: 1, capacitance: Float64Array.from([-1]), groups: [] };
    expect(() => new KclDynamics(bad, 1)).toThrow(expect.objectContaining({ code: 'negative-capacitance' }));
  });
});
