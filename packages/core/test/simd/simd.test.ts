import * as E from 'fp-ts/Either';
import { afterAll, describe, expect, it } from 'vitest';
import { createCircuit, type Circuit } from '../../src/circuit/circuit';
import { KclDynamics } from '../../src/dynamics/kcl-dynamics';
import { kernelThreads, setKernelThreads } from '../../src/parallel/kernel-pool';
import { Rng } from '../../src/random/rng';
import { compileLaw } from '../../src/symbolic/compile-law';
import { twoTerminalLaw } from '../../src/symbolic/element-law';
import { FunctionTable } from '../../src/symbolic/function-table';
import { SimdArena } from '../../src/simd/simd-arena';
import { setSimdKernels, simdKernelsEnabled } from '../../src/simd/simd-group';
import { encodeModule, FunctionBuilder, I32 } from '../../src/simd/wasm-encoder';
import { testType, unwrap } from '../helpers';

const initialThreads = kernelThreads();
const initialSimd = simdKernelsEnabled();
afterAll(() => {
  setKernelThreads(initialThreads);
  setSimdKernels(initialSimd);
});

describe('WebAssembly encoder', () => {
  it('writes a module V8 accepts and runs: a v128 loop over shared memory, multi-byte signed constants', () => {
    // affine(address, bytes): x ← 2.5·x − 1 over [address, address + bytes), two doubles per step; the
    // address is formed as (address + 300) + (−300) to exercise two-byte LEB128 constants of both signs.
    const f = new FunctionBuilder([I32, I32]);
    const o = f.local(I32);
    const at = f.local(I32);
    f.loop();
    f.get(0).i32(300).i32Add().i32(-300).i32Add().get(o).i32Add().tee(at);
    f.get(at).v128Load().f64x2Const(2.5).simd('mul').f64x2Const(-1).simd('add').v128Store();
    f.get(o).i32(16).i32Add().tee(o).get(1).i32LtU().brIf(0);
    f.end();
    const bytes = encodeModule({ memory: { minimumPages: 1, maximumPages: 16 }, imports: [], functions: [{ exportName: 'affine', body: f, results: [] }] });
    expect(WebAssembly.validate(bytes)).toBe(true);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
    const affine = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports.affine as (a: number, n: number) => void;
    const x = new Float64Array(memory.buffer, 64, 6);
    x.set([0, 1, 2, 3, -4, 1e300]);
    affine(64, 32); // first four only
    expect([...x]).toEqual([-1, 1.5, 4, 6.5, -4, 1e300]);
  });

  it('encodes a v128 constant as both lanes of the double', () => {
    const f = new FunctionBuilder([]).f64x2Const(-1.5);
    const lane = [...new Uint8Array(new Float64Array([-1.5]).buffer)];
    expect(f.code.slice(-16)).toEqual([...lane, ...lane]);
    expect(f.code.slice(0, 2)).toEqual([0xfd, 0x0c]);
  });
});

describe('SIMD memory arena', () => {
  it('allocates aligned, zeroed, disjoint blocks, reuses freed space, and grows without moving earlier views', () => {
    const arena = new SimdArena();
    const a = arena.allocate(100);
    const b = arena.allocate(1000);
    expect(a % 64).toBe(0);
    expect(b % 64).toBe(0);
    expect(b).toBeGreaterThanOrEqual(a + 128);
    const view = arena.f64(a, 12);
    view.fill(7);
    arena.release(b);
    const c = arena.allocate(900);
    expect(c).toBe(b); // first fit: the freed block
    const big = arena.allocate(3 * 2 ** 20); // beyond the first megabyte: the memory grows
    expect(arena.memory.buffer.byteLength).toBeGreaterThan(2 ** 20);
    expect(view[11]).toBe(7); // an old view still sees its block
    expect(arena.f64(big, 4)).toEqual(new Float64Array(4));
    arena.release(a);
    arena.release(c);
    arena.release(big);
    expect(arena.used).toBe(0);
    const again = arena.allocate(100);
    expect(again).toBe(a); // neighbours merged back into one free block
    expect(arena.f64(again, 12)).toEqual(new Float64Array(12)); // zeroed on reuse
  });
});

function randomCircuit(current: string, params: string[], edges: number, N = 40): Circuit {
  const rng = new Rng(5);
  const src = Int32Array.from({ length: edges }, () => rng.below(N + 1));
  const dst = Int32Array.from(src, (s) => (s + 1 + rng.below(N)) % (N + 1));
  const values = Float64Array.from({ length: params.length * edges }, () => rng.uniform() - 0.5);
  return unwrap(createCircuit({ numNodes: N, capacitance: 0.7, groups: [{ type: testType(current, params), src, dst, params: values }] }));
}

function allProducts(circuit: Circuit, B: number): Float64Array[] {
  const d = new KclDynamics(circuit, B);
  const rng = new Rng(9);
  const y = Float64Array.from({ length: d.size }, () => 2 * rng.uniform() - 1);
  const u = Float64Array.from({ length: d.size }, () => rng.uniform() - 0.5);
  const f = new Float64Array(d.size);
  const jvp = new Float64Array(d.size);
  const jvpF = new Float64Array(d.size);
  const vjp = new Float64Array(d.size);
  const vjpF = new Float64Array(d.size);
  const grad = new Float64Array(d.paramSizes[0]);
  d.vf(0, y, f);
  d.jvp(0, y, u, jvp);
  d.jvp(0, y, u, new Float64Array(d.size), jvpF);
  d.vjp(0, y, u, vjp, [grad], vjpF);
  return [f, jvp, jvpF, vjp, vjpF, grad];
}

const relative = (a: Float64Array, b: Float64Array) => {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
};

describe('KCL dynamics on SIMD kernels', () => {
  for (const [name, current, params] of [
    ['ReLU law', 'theta1 * relu(vs - vd - theta0)', ['theta0', 'theta1']],
    ['law with per-lane Math calls', 'tanh(theta0 * vs + theta1 * vd) + exp(-abs(vs))', ['theta0', 'theta1']],
  ] as const) {
    for (const threads of [1, 2]) {
      it(`${name}, ${threads} thread(s): every product equals the JavaScript kernels' to rounding, and repeats exactly`, () => {
        setKernelThreads(threads);
        const circuit = randomCircuit(current, [...params], 4000);
        setSimdKernels(false);
        const js = allProducts(circuit, 32);
        setSimdKernels(true);
        const simd = allProducts(circuit, 32);
        const again = allProducts(circuit, 32);
        simd.forEach((p, k) => {
          expect(relative(p, js[k]), `product ${k}`).toBeLessThan(1e-13);
          expect(again[k]).toEqual(p);
        });
      });
    }
  }

  it('sees parameters changed in place between calls (as an optimizer changes them)', () => {
    setKernelThreads(2);
    setSimdKernels(true);
    const circuit = randomCircuit('theta1 * relu(vs - vd - theta0)', ['theta0', 'theta1'], 4000);
    const before = allProducts(circuit, 32)[0];
    circuit.groups[0].params.forEach((_, i, p) => (p[i] *= 2));
    const after = allProducts(circuit, 32)[0];
    setSimdKernels(false);
    expect(relative(after, allProducts(circuit, 32)[0])).toBeLessThan(1e-13);
    expect(relative(after, before)).toBeGreaterThan(0.1);
  });

  it('an odd batch runs the JavaScript kernels and gives the same values', () => {
    setKernelThreads(1);
    const circuit = randomCircuit('theta1 * relu(vs - vd - theta0)', ['theta0', 'theta1'], 500);
    setSimdKernels(true);
    const odd = allProducts(circuit, 7);
    setSimdKernels(false);
    expect(allProducts(circuit, 7)).toEqual(odd);
  });

  it('a law calling a function with no Math form has no SIMD kernels (the JavaScript ones serve)', () => {
    const functions = new FunctionTable([{ name: 'bessel0', params: ['x'], jsName: 'customBessel', partials: ['0'], evaluate: (x) => x, description: 'test' }]);
    const law = compileLaw(twoTerminalLaw('test', ['a'], 'a * bessel0(vs - vd)'), functions);
    expect(E.isRight(law) && law.right.simdKernels()).toBe(undefined);
    const plain = compileLaw(twoTerminalLaw('test', ['a'], 'a * sqrt(vs^2 + vd^2)'), functions);
    expect(E.isRight(plain) && plain.right.simdKernels()).toBeTruthy();
  });
});
