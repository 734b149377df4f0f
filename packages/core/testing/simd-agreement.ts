import type { CompiledLaw } from '../src/symbolic/compile-law';
import { Rng } from '../src/random/rng';
import { SimdArena } from '../src/simd/simd-arena';
import { simdImports, SIMD_KERNELS, type SimdKernelName } from '../src/simd/simd-kernels';
import type { SimdExports } from '../src/simd/simd-group';

/** Draws one point of a law: a voltage per port and its parameters. */
export type LawPoint = (rng: Rng) => { voltages: number[]; params: number[] };

/** Largest relative difference per product and output, SIMD against JavaScript kernels. */
export type SimdDifferences = Record<string, number>;

let arena: SimdArena | undefined;

/**
 * Runs a law's SIMD kernels and its JavaScript kernels on the same random elements (ports on random
 * nodes, ground included, batch 6) and returns how far every product differs: rhs, jvp, jvpFused (with
 * f), vjp and vjpFused (adjoint, parameter gradient, f). Returns undefined when the law has no SIMD
 * kernels. Differences are relative to each output's largest magnitude; entries where both sides are
 * the same non-finite value count as equal.
 */
export function simdAgreement(law: CompiledLaw, point: LawPoint, seed = 1, elements = 9, nodes = 5): SimdDifferences | undefined {
  const simd = law.simdKernels();
  if (!simd) return undefined;
  arena ??= new SimdArena();
  const rng = new Rng(seed);
  const B = 6;
  const K = law.law.ports.length;
  const P = law.law.params.length;
  const rows = (nodes + 1) * B;
  const conn = Array.from({ length: K }, () => new Int32Array(elements));
  const params = new Float64Array(Math.max(1, P * elements));
  const v = new Float64Array(rows);
  const u = new Float64Array(rows);
  for (let e = 0; e < elements; e++) {
    for (let k = 0; k < K; k++) conn[k][e] = rng.below(nodes + 1);
    point(rng).params.forEach((t, p) => (params[p * elements + e] = t));
  }
  // Node voltages where the law is meant to be used: the sampler's, port by port.
  for (let i = B; i < rows; i++) {
    const voltages = point(rng).voltages;
    v[i] = voltages[rng.below(voltages.length)];
  }
  for (let i = B; i < rows; i++) u[i] = rng.normal();

  const exports = new WebAssembly.Instance(simd.module, simdImports(simd, arena.memory)).exports as unknown as SimdExports;
  const block = (n: number) => arena!.allocate(Math.max(8, n * 8));
  const addr = { out: block(rows), f: block(rows), params: block(params.length), v: block(rows), u: block(rows), grad: block(params.length) };
  const connAddr = conn.map((c) => {
    const a = arena!.allocate(c.byteLength);
    arena!.i32(a, c.length).set(c);
    return a;
  });
  arena.f64(addr.params, params.length).set(params);
  arena.f64(addr.v, rows).set(v);
  arena.f64(addr.u, rows).set(u);
  const view = (a: number, n: number) => arena!.f64(a, n);

  const differences: SimdDifferences = {};
  const js = law.kernels;
  for (const kind of SIMD_KERNELS) {
    exports.zero(addr.out, rows * 8);
    exports.zero(addr.f, rows * 8);
    exports[kind](0, elements, addr.out, addr.f, 8 * B, elements, addr.params, addr.v, addr.u, addr.grad, ...connAddr);
    const out = new Float64Array(rows);
    const f = new Float64Array(rows);
    const grad = new Float64Array(params.length);
    runJavaScript(kind, js, elements, B, conn, params, v, u, out, f, grad);
    differences[`${kind}.out`] = relativeDifference(view(addr.out, rows), out, B);
    if (kind === 'jvpFused' || kind === 'vjpFused') differences[`${kind}.f`] = relativeDifference(view(addr.f, rows), f, B);
    if (kind === 'vjp' || kind === 'vjpFused') differences[`${kind}.grad`] = relativeDifference(view(addr.grad, params.length), grad, 0);
  }
  for (const a of [...Object.values(addr), ...connAddr]) arena.release(a);
  return differences;
}

function runJavaScript(
  kind: SimdKernelName, js: CompiledLaw['kernels'], E: number, B: number, conn: Int32Array[], params: Float64Array,
  v: Float64Array, u: Float64Array, out: Float64Array, f: Float64Array, grad: Float64Array,
): void {
  if (kind === 'rhs') js.rhs(0, E, B, conn, params, E, v, out);
  else if (kind === 'jvp') js.jvp(0, E, B, conn, params, E, v, u, out, null);
  else if (kind === 'jvpFused') js.jvp(0, E, B, conn, params, E, v, u, out, f);
  else if (kind === 'vjp') js.vjp(0, E, B, conn, params, E, v, u, out, grad, null);
  else js.vjp(0, E, B, conn, params, E, v, u, out, grad, f);
}

/** max |a − b| / max |b| over entries from `from` (row 0, ground, is never read back). */
function relativeDifference(a: Float64Array, b: Float64Array, from: number): number {
  let scale = 0;
  let diff = 0;
  for (let i = from; i < b.length; i++) {
    if (Object.is(a[i], b[i]) || a[i] === b[i]) continue;
    if (!Number.isFinite(b[i]) || !Number.isFinite(a[i])) return Infinity;
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  for (let i = from; i < b.length; i++) if (Number.isFinite(b[i])) scale = Math.max(scale, Math.abs(b[i]));
  return diff === 0 ? 0 : diff / Math.max(scale, 1e-300);
}
