import { afterAll, describe, expect, it } from 'vitest';
import { createCircuit, type Circuit } from '../../src/circuit/circuit';
import { KclDynamics } from '../../src/dynamics/kcl-dynamics';
import { kernelThreads, MIN_PARALLEL_WORK, setKernelThreads } from '../../src/parallel/kernel-pool';
import { Rng } from '../../src/random/rng';
import { testType, unwrap } from '../helpers';

const initialThreads = kernelThreads();
afterAll(() => setKernelThreads(initialThreads));

const N = 60;
const B = 32;
const EDGES = Math.ceil(MIN_PARALLEL_WORK / B) + 17;

function randomCircuit(current: string, params: string[]): Circuit {
  const rng = new Rng(3);
  const src = Int32Array.from({ length: EDGES }, () => rng.below(N + 1));
  const dst = Int32Array.from(src, (s) => (s + 1 + rng.below(N)) % (N + 1));
  const values = Float64Array.from({ length: params.length * EDGES }, () => rng.uniform() - 0.5);
  return unwrap(createCircuit({ numNodes: N, capacitance: 0.5, groups: [{ type: testType(current, params), src, dst, params: values }] }));
}

interface Products {
  f: Float64Array;
  jvp: Float64Array;
  jvpF: Float64Array;
  vjp: Float64Array;
  vjpF: Float64Array;
  grad: Float64Array;
}

function products(circuit: Circuit, threads: number): Products {
  setKernelThreads(threads);
  const d = new KclDynamics(circuit, B);
  const rng = new Rng(11);
  const y = Float64Array.from({ length: d.size }, () => 2 * rng.uniform() - 1);
  const u = Float64Array.from({ length: d.size }, () => rng.uniform() - 0.5);
  const fresh = () => new Float64Array(d.size);
  const p: Products = { f: fresh(), jvp: fresh(), jvpF: fresh(), vjp: fresh(), vjpF: fresh(), grad: new Float64Array(d.paramSizes[0]) };
  d.vf(0, y, p.f);
  d.jvp(0, y, u, p.jvp);
  const f2 = fresh();
  d.jvp(0, y, u, p.jvpF, f2);
  expect(f2).toEqual(p.f);
  d.vjp(0, y, u, p.vjp, [p.grad]);
  const f3 = fresh();
  d.vjp(0, y, u, p.vjpF, [new Float64Array(d.paramSizes[0])], f3);
  expect(f3).toEqual(p.f);
  return p;
}

function maxRelativeDifference(a: Float64Array, b: Float64Array): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  return diff / scale;
}

describe('kernel worker threads', () => {
  for (const [name, current, params] of [
    ['a ReLU law (branchless select)', 'theta1 * relu(vs - vd - theta0)', ['theta0', 'theta1']],
    ['a smooth law', 'tanh(theta0 * vs + theta1 * vd + theta2)', ['theta0', 'theta1', 'theta2']],
  ] as const) {
    it(`${name}: two threads give the one-thread products to rounding, and repeat exactly`, () => {
      const circuit = randomCircuit(current, [...params]);
      const one = products(circuit, 1);
      const two = products(circuit, 2);
      const again = products(circuit, 2);
      for (const key of Object.keys(one) as (keyof Products)[]) {
        expect(maxRelativeDifference(one[key], two[key]), key).toBeLessThan(1e-13);
        expect(again[key], key).toEqual(two[key]);
      }
      // Gradients of distinct edges never mix, so they are not even reordered.
      expect(two.grad).toEqual(one.grad);
    });
  }

  it('workers see parameters updated in place, as an optimizer does', () => {
    const circuit = randomCircuit('theta1 * relu(vs - vd - theta0)', ['theta0', 'theta1']);
    products(circuit, 2);
    const params = circuit.groups[0].params;
    for (let i = 0; i < params.length; i++) params[i] *= -1.5;
    expect(maxRelativeDifference(products(circuit, 1).f, products(circuit, 2).f)).toBeLessThan(1e-13);
  });

  it('a circuit built by hand, with parameters outside shared memory, is mirrored', () => {
    const shared = randomCircuit('theta1 * relu(vs - vd - theta0)', ['theta0', 'theta1']);
    const group = shared.groups[0];
    const handBuilt: Circuit = { ...shared, groups: [{ ...group, params: Float64Array.from(group.params) }] };
    expect(handBuilt.groups[0].params.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    const one = products(handBuilt, 1);
    const two = products(handBuilt, 2);
    expect(maxRelativeDifference(one.vjpF, two.vjpF)).toBeLessThan(1e-13);
    handBuilt.groups[0].params[5] += 1;
    expect(maxRelativeDifference(products(handBuilt, 1).f, products(handBuilt, 2).f)).toBeLessThan(1e-13);
  });

  it('rejects a thread count that is not a whole number from 1 to 64', () => {
    expect(() => setKernelThreads(0)).toThrow(/threads must be a whole number from 1 to 64, got 0/);
    expect(() => setKernelThreads(1.5)).toThrow(/got 1.5/);
  });
});
