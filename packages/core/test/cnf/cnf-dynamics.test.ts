import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { randomEdges } from '../../testing/random-circuits';
import { createCircuit, type Circuit } from '../../src/circuit/circuit';
import { CnfDynamics } from '../../src/cnf/cnf-dynamics';
import { KclDynamics } from '../../src/dynamics/kcl-dynamics';
import { Rng } from '../../src/random/rng';
import { compileBranchType, defineBranch, type CompiledBranchType } from '../../src/symbolic/branch-type';
import { FunctionTable } from '../../src/symbolic/function-table';
import type { FunctionRule } from '../../src/symbolic/functions';
import { testType, unwrap } from '../helpers';

/** A plugin function, so that second derivatives of a registered rule's own partials are exercised. */
const softsign: FunctionRule = {
  name: 'softsign',
  params: ['x'],
  definition: 'x / (1 + abs(x))',
  partials: ['1 / (1 + abs(x)) ^ 2'],
  evaluate: (x) => x / (1 + Math.abs(x)),
  description: 'x / (1 + |x|)',
};

function customType(): CompiledBranchType {
  const result = compileBranchType(
    defineBranch({
      name: 'custom-law',
      meta: { description: 'a smooth controlled law with a plugin function', params: [{ name: 'a' }, { name: 'b' }, { name: 'c' }], kind: 'controlled' },
      current: 'a * sin(vs) * vd + exp(-b * (vs - vd) ^ 2) * softsign(c * vd) + softplus(c * vs - b) / 3',
    }),
    new FunctionTable([softsign]),
  );
  if (E.isLeft(result)) throw new Error(result.left.map((i) => i.message).join('\n'));
  return result.right;
}

const LAWS: { name: string; type: () => CompiledBranchType; kinked?: (theta: number[], vs: number, vd: number) => number }[] = [
  { name: 'ShiftTanh2-like tanh(θ₀vs + θ₁vd + θ₂)', type: () => testType('tanh(theta0 * vs + theta1 * vd + theta2)', ['theta0', 'theta1', 'theta2']) },
  {
    name: 'ShiftRelu1-like θ₁·relu(vs − vd − θ₀)',
    type: () => testType('theta1 * relu(vs - vd - theta0)', ['theta0', 'theta1'], 'delta'),
    // Distance of the relu's argument from its kink.
    kinked: ([theta0], vs, vd) => Math.abs(vs - vd - theta0),
  },
  { name: 'custom law (sin, exp, softsign plugin, softplus)', type: customType },
];

/** Random circuit: N = 4 nodes with unequal capacitances, edges to and from ground included. */
function randomCircuit(type: CompiledBranchType, rng: Rng): Circuit {
  const N = 4;
  const E_ = 14;
  const { src, dst } = randomEdges(rng, N, E_);
  src[0] = 0; // at least one edge from ground and one into it
  dst[1] = 0;
  if (dst[0] === 0) dst[0] = 1;
  if (src[1] === 0) src[1] = 2;
  const params = Array.from({ length: type.paramNames.length * E_ }, () => rng.normal());
  return unwrap(createCircuit({ numNodes: N, capacitance: [1, 0.5, 2, 1.25], groups: [{ type, src, dst, params }] }));
}

const H = 1e-6;

describe.each(LAWS)('CnfDynamics: $name', ({ type: makeType, kinked }) => {
  const rng = new Rng(11);
  const type = makeType();
  const circuit = randomCircuit(type, rng);
  const B = 3;
  const N = circuit.numNodes;
  const cnf = new CnfDynamics(circuit, B);
  const kcl = new KclDynamics(circuit, B);
  const y = Float64Array.from({ length: cnf.size }, () => rng.normal());
  const F = (state: Float64Array) => {
    const out = new Float64Array(cnf.size);
    cnf.vf(0, state, out);
    return out;
  };

  /** Smallest distance to a kink over all edges and samples of a state (Infinity for smooth laws). */
  const kinkMargin = (state: Float64Array): number => {
    if (!kinked) return Infinity;
    let margin = Infinity;
    for (const g of circuit.groups) {
      for (let e = 0; e < g.size; e++) {
        const theta = g.type.paramNames.map((_, k) => g.params[k * g.size + e]);
        for (let b = 0; b < B; b++) {
          const volt = (n: number) => (n === 0 ? 0 : state[(n - 1) * B + b]);
          margin = Math.min(margin, kinked(theta, volt(g.src[e]), volt(g.dst[e])));
        }
      }
    }
    return margin;
  };

  it('is tested away from kinks (finite differences are meaningful there)', () => {
    // Every stencil below moves a voltage or a parameter by H, which moves a kink's argument by at most 2H.
    expect(kinkMargin(y)).toBeGreaterThan(1e3 * H);
  });

  it('vf: the v rows are the KCL field, the ℓ row is minus a finite-difference trace of it', () => {
    const out = F(y);
    const f = new Float64Array(kcl.size);
    kcl.vf(0, y.subarray(0, N * B), f);
    for (let i = 0; i < N * B; i++) expect(out[i]).toBeCloseTo(f[i], 14);
    // tr(∂f/∂v) per sample by central differences of the KCL field, one node at a time.
    for (let b = 0; b < B; b++) {
      let trace = 0;
      for (let n = 0; n < N; n++) {
        const i = n * B + b;
        const plus = y.slice(0, N * B);
        const minus = y.slice(0, N * B);
        plus[i] += H;
        minus[i] -= H;
        const fp = new Float64Array(kcl.size);
        const fm = new Float64Array(kcl.size);
        kcl.vf(0, plus, fp);
        kcl.vf(0, minus, fm);
        trace += (fp[i] - fm[i]) / (2 * H);
      }
      expect(out[N * B + b]).toBeCloseTo(-trace, 7);
      const direct = new Float64Array(B);
      cnf.traceAt(y, direct);
      expect(direct[b]).toBeCloseTo(-out[N * B + b], 14);
    }
  });

  it('jvp and vjp (including the ℓ row and ℓ adjoint) equal products with a finite-difference Jacobian', () => {
    const n = cnf.size;
    const columns = Array.from({ length: n }, (_, j) => {
      const plus = y.slice();
      const minus = y.slice();
      plus[j] += H;
      minus[j] -= H;
      const fp = F(plus);
      const fm = F(minus);
      return Array.from(fp, (v, i) => (v - fm[i]) / (2 * H));
    });
    const u = Float64Array.from({ length: n }, () => rng.normal());
    const a = Float64Array.from({ length: n }, () => rng.normal());
    const jvp = new Float64Array(n);
    cnf.jvp(0, y, u, jvp);
    const vjp = new Float64Array(n).fill(NaN);
    const fused = new Float64Array(n);
    cnf.vjp(0, y, a, vjp, null, fused);
    for (let i = 0; i < n; i++) {
      const ju = columns.reduce((s, col, j) => s + col[i] * u[j], 0);
      const jta = columns[i].reduce((s, v, k) => s + v * a[k], 0);
      expect(jvp[i]).toBeCloseTo(ju, 6);
      expect(vjp[i]).toBeCloseTo(jta, 6);
    }
    // ℓ is read by nothing: its column, and so its adjoint output, is exactly 0.
    for (let b = 0; b < B; b++) expect(vjp[N * B + b]).toBe(0);
    Array.from(F(y)).forEach((v, i) => expect(fused[i]).toBeCloseTo(v, 13));
  });

  it('parameter gradients of aᵀF (the trace part included) equal finite differences in each parameter', () => {
    const a = Float64Array.from({ length: cnf.size }, () => rng.normal());
    const grads = circuit.groups.map((g) => new Float64Array(g.params.length));
    cnf.vjp(0, y, a, new Float64Array(cnf.size), grads);
    // The same with the ℓ adjoint alone, so that the second-derivative part is checked on its own.
    const aL = new Float64Array(cnf.size);
    aL.set(a.subarray(N * B), N * B);
    const gradsL = circuit.groups.map((g) => new Float64Array(g.params.length));
    cnf.vjp(0, y, aL, new Float64Array(cnf.size), gradsL);
    const dot = (w: Float64Array) => F(y).reduce((s, v, i) => s + v * w[i], 0);
    circuit.groups.forEach((g, gi) => {
      for (let k = 0; k < g.params.length; k++) {
        const saved = g.params[k];
        g.params[k] = saved + H;
        const up = [dot(a), dot(aL)];
        g.params[k] = saved - H;
        const down = [dot(a), dot(aL)];
        g.params[k] = saved;
        expect(grads[gi][k]).toBeCloseTo((up[0] - down[0]) / (2 * H), 6);
        expect(gradsL[gi][k]).toBeCloseTo((up[1] - down[1]) / (2 * H), 6);
      }
    });
  });

  it('computes each sample on its own: withBatch(1) gives the same numbers', () => {
    const single = cnf.withBatch(1);
    expect(single.size).toBe(N + 1);
    const out = F(y);
    for (let b = 0; b < B; b++) {
      const yb = Float64Array.from({ length: N + 1 }, (_, r) => y[r * B + b]);
      const ob = new Float64Array(N + 1);
      single.vf(0, yb, ob);
      ob.forEach((v, r) => expect(v).toBeCloseTo(out[r * B + b], 14));
    }
  });
});

describe('CnfDynamics: layout and declarations', () => {
  const type = testType('tanh(a * vs + b * vd + c)', ['a', 'b', 'c']);
  const circuit = unwrap(createCircuit({ numNodes: 2, groups: [{ type, src: [0, 1], dst: [1, 2], params: [1, 2, 3, 4, 5, 6] }] }));
  const cnf = new CnfDynamics(circuit, 5);

  it('appends ℓ as one more row, declares the tuple norm and the Jacobian structure', () => {
    expect(cnf.size).toBe(15);
    expect(cnf.normSegments).toEqual([10, 5]);
    expect(cnf.jacobianStructure).toEqual({ samples: 5, quadrature: 5 });
    expect(cnf.paramSizes).toEqual([6]);
    expect(cnf.describeIndex(7)).toBe('node 2 (sample 2)');
    expect(cnf.describeIndex(13)).toBe('log-density change ℓ (sample 3)');
  });

  it('refuses nodes without capacitance', () => {
    const algebraic = { numNodes: 2, capacitance: Float64Array.from([1, 0]), groups: circuit.groups };
    expect(() => new CnfDynamics(algebraic, 1)).toThrow(expect.objectContaining({ code: 'algebraic-node' }));
  });

  it('reports a law whose second derivative cannot be formed when the trace kernels are first needed', () => {
    // A plugin function whose stated partial calls a function with no derivative rule.
    const opaque: FunctionRule = { name: 'opaque', params: ['x'], jsName: 'Math.cbrt', evaluate: Math.cbrt, description: 'no rule', partials: ['slope(x)'] };
    const slope: FunctionRule = { name: 'slope', params: ['x'], jsName: 'Math.cbrt', evaluate: Math.cbrt, description: 'no derivative', partials: undefined };
    const result = compileBranchType(
      defineBranch({ name: 'opaque-law', meta: { description: 'x', params: [{ name: 'k' }], kind: 'delta' }, current: 'k * opaque(vs - vd)' }),
      new FunctionTable([opaque, slope]),
    );
    if (E.isLeft(result)) throw new Error(result.left.map((i) => i.message).join('\n'));
    // First-order kernels compile; the trace kernels need d slope/dx.
    const bad = unwrap(createCircuit({ numNodes: 1, groups: [{ type: result.right, src: [1], dst: [0], params: [1] }] }));
    expect(() => new CnfDynamics(bad, 1)).toThrow(expect.objectContaining({ code: 'no-derivative-rule' }));
  });
});
