import type { ElementLaw } from '../symbolic/element-law';
import type { FunctionTable } from '../symbolic/function-table';
import { constantValue, type Node } from '../symbolic/tree';
import { MathImports, prepareTree, SimdExpressionCompiler, UnsupportedForSimd } from './simd-expressions';
import { encodeModule, FunctionBuilder, I32, V128, type DefinedFunction } from './wasm-encoder';

/**
 * A law's kernels as one WebAssembly module over f64x2 lanes: two samples per instruction, the batch the
 * inner loop as in the JavaScript kernels (`symbolic/kernels.ts`, same products, same layouts).
 *
 * Every export takes byte addresses in the shared memory, in one order for all kinds so a worker can call
 * any of them alike: (e0, e1, out, f, B8, E, params, v, u, grad, conn_0 … conn_{K−1}), where B8 = 8·B (B
 * even), conn_k holds E int32 node numbers, params and grad P rows of E doubles, v/u/out/f node-major
 * rows with the batch innermost (ground row 0 included). Unused arguments are ignored.
 *
 * - `rhs`: out += stamped currents.
 * - `jvp`: out += J·u; `jvpFused` also f += currents.
 * - `vjp`: with w_j = Σ sign·u[port] (u is the adjoint a), out[port k] += Σ_j ∂I_j/∂v_k·w_j, and grad[p, e]
 *   is **set** (not added) to Σ_b ∂I_j/∂θ_p·w_j, so callers need not clear it; `vjpFused` also f += currents.
 * - `zero(address, bytes)`: memory.fill with 0.
 */
export const SIMD_KERNELS = ['rhs', 'jvp', 'jvpFused', 'vjp', 'vjpFused'] as const;
export type SimdKernelName = (typeof SIMD_KERNELS)[number];

export interface SimdKernels {
  readonly module: WebAssembly.Module;
  /** `Math` functions the module imports per lane, as `math.<name>`. */
  readonly mathImports: readonly string[];
}

/** Memory limits every kernel module declares for its imported `env.memory` (pages of 64 KiB). */
export const SIMD_MEMORY_PAGES = { minimumPages: 1, maximumPages: 65536 } as const;

const ARG = { e0: 0, e1: 1, out: 2, f: 3, B8: 4, E: 5, params: 6, v: 7, u: 8, grad: 9, conn: 10 } as const;

/** The module for a law, or undefined when the law uses something the SIMD compiler does not handle. */
export function compileSimdKernels(
  law: ElementLaw,
  currentTrees: readonly Node[],
  voltagePartials: readonly (readonly Node[])[],
  paramPartials: readonly (readonly Node[])[],
  functions: FunctionTable,
): SimdKernels | undefined {
  const imports = new MathImports();
  const prep = (t: Node) => prepareTree(t, functions);
  const laws: LawTrees = {
    currents: currentTrees.map(prep),
    dV: voltagePartials.map((row) => row.map(prep)),
    dTheta: paramPartials.map((row) => row.map(prep)),
  };
  try {
    const kernels: DefinedFunction[] = SIMD_KERNELS.map((kind) => ({ exportName: kind, body: kernelBody(kind, law, laws, functions, imports), results: [] }));
    const zero = new FunctionBuilder([I32, I32]);
    zero.get(0).i32(0).get(1).memoryFill();
    const bytes = encodeModule({ memory: SIMD_MEMORY_PAGES, imports: imports.declarations(), functions: [...kernels, { exportName: 'zero', body: zero, results: [] }] });
    return { module: new WebAssembly.Module(bytes), mathImports: imports.names };
  } catch (error) {
    if (error instanceof UnsupportedForSimd) return undefined;
    throw error;
  }
}

/** The import object for a kernel module over `memory`. */
export function simdImports(kernels: Pick<SimdKernels, 'mathImports'>, memory: WebAssembly.Memory): WebAssembly.Imports {
  const math = Object.fromEntries(kernels.mathImports.map((n) => [n, (Math as unknown as Record<string, (...x: number[]) => number>)[n]]));
  return { env: { memory }, math };
}

interface LawTrees {
  readonly currents: readonly Node[];
  readonly dV: readonly (readonly Node[])[];
  readonly dTheta: readonly (readonly Node[])[];
}

const isZero = (t: Node) => t.type === 'ConstantNode' && constantValue(t) === 0;

function kernelBody(kind: SimdKernelName, law: ElementLaw, trees: LawTrees, functions: FunctionTable, imports: MathImports): FunctionBuilder {
  const K = law.ports.length;
  const fb = new FunctionBuilder(Array(ARG.conn + K).fill(I32));
  const e = fb.local(I32);
  const o = fb.local(I32);
  const address = fb.local(I32);
  const E8 = fb.local(I32);
  const row = law.ports.map(() => fb.local(I32));
  const paramRow = law.params.map(() => fb.local(I32));
  const voltage = law.ports.map(() => fb.local(V128));
  const param = law.params.map(() => fb.local(V128));
  const isVjp = kind === 'vjp' || kind === 'vjpFused';
  const withCurrents = kind === 'rhs' || kind === 'jvpFused' || kind === 'vjpFused';
  const gradSum = isVjp ? law.params.map(() => fb.local(V128)) : [];

  const needed: Node[] = [
    ...(withCurrents ? trees.currents : []),
    ...(kind === 'rhs' ? [] : trees.dV.flat()),
    ...(isVjp ? trees.dTheta.flat() : []),
  ];
  const element = fb.scratch();
  const sample = fb.scratch();
  const bindings = new Map<string, number>([...law.ports.map((p, k) => [p, voltage[k]] as const), ...law.params.map((p, k) => [p, param[k]] as const)]);
  const compiler = new SimdExpressionCompiler(needed, bindings, new Set(law.ports), element, functions, imports);

  // Sample body: load voltages, compute the outputs this kind needs into locals, then stamp.
  law.ports.forEach((_, k) => sample.get(ARG.v).get(row[k]).i32Add().get(o).i32Add().v128Load().set(voltage[k]));
  const valueOf = (t: Node): number | null => {
    if (isZero(t)) return null;
    const local = sample.local(V128);
    compiler.value(t, sample);
    sample.set(local);
    return local;
  };
  const currents = withCurrents ? trees.currents.map(valueOf) : [];
  const dV = kind === 'rhs' ? [] : trees.dV.map((r) => r.map(valueOf));
  const dTheta = isVjp ? trees.dTheta.map((r) => r.map(valueOf)) : [];
  /** target[row_k + o] ±= value */
  const accumulate = (target: number, k: number, sign: number, pushValue: () => void) => {
    sample.get(target).get(row[k]).i32Add().get(o).i32Add().tee(address);
    sample.get(address).v128Load();
    pushValue();
    sample.simd(sign > 0 ? 'add' : 'sub').v128Store();
  };
  /** Pushes Σ of the given terms (each pushes one v128); callers pass at least one. */
  const sum = (terms: (() => void)[]): void => {
    terms.forEach((push, i) => {
      push();
      if (i > 0) sample.simd('add');
    });
  };
  const loadRow = (base: number, k: number) => () => sample.get(base).get(row[k]).i32Add().get(o).i32Add().v128Load();

  if (kind === 'rhs') {
    law.currents.forEach((c, j) => c.stamps.forEach((s) => currents[j] !== null && accumulate(ARG.out, s.port, s.sign, () => sample.get(currents[j]!))));
  } else if (kind === 'jvp' || kind === 'jvpFused') {
    law.currents.forEach((c, j) => {
      const terms = law.ports.flatMap((_, k) => (dV[j][k] === null ? [] : [() => {
        sample.get(dV[j][k]!);
        loadRow(ARG.u, k)();
        sample.simd('mul');
      }]));
      if (terms.length === 0) return;
      const dI = sample.local(V128);
      sum(terms);
      sample.set(dI);
      c.stamps.forEach((s) => accumulate(ARG.out, s.port, s.sign, () => sample.get(dI)));
    });
  } else {
    const w = law.currents.map((c) => {
      const local = sample.local(V128);
      c.stamps.forEach((s, i) => {
        loadRow(ARG.u, s.port)();
        if (i === 0 && s.sign < 0) sample.simd('neg');
        if (i > 0) sample.simd(s.sign > 0 ? 'add' : 'sub');
      });
      sample.set(local);
      return local;
    });
    law.ports.forEach((_, k) => {
      const terms = law.currents.flatMap((_, j) => (dV[j][k] === null ? [] : [() => sample.get(dV[j][k]!).get(w[j]).simd('mul')]));
      if (terms.length > 0) accumulate(ARG.out, k, 1, () => sum(terms));
    });
    law.params.forEach((_, p) => {
      const terms = law.currents.flatMap((_, j) => (dTheta[j][p] === null ? [] : [() => sample.get(dTheta[j][p]!).get(w[j]).simd('mul')]));
      if (terms.length === 0) return;
      sample.get(gradSum[p]);
      sum(terms);
      sample.simd('add').set(gradSum[p]);
    });
  }
  if (withCurrents && kind !== 'rhs') {
    law.currents.forEach((c, j) => c.stamps.forEach((s) => currents[j] !== null && accumulate(ARG.f, s.port, s.sign, () => sample.get(currents[j]!))));
  }

  // Assemble: prologue, element loop (rows, parameters, hoisted code), sample loop, gradient stores.
  fb.get(ARG.E).i32(3).i32Shl().set(E8);
  law.params.forEach((_, k) => fb.get(ARG.params).get(E8).i32(k).i32Mul().i32Add().set(paramRow[k]));
  fb.get(ARG.e0).set(e);
  fb.block().loop();
  fb.get(e).get(ARG.e1).i32GeU().brIf(1);
  law.ports.forEach((_, k) => fb.get(ARG.conn + k).get(e).i32(2).i32Shl().i32Add().i32Load().get(ARG.B8).i32Mul().set(row[k]));
  law.params.forEach((_, k) => fb.get(paramRow[k]).get(e).i32(3).i32Shl().i32Add().f64Load().simd('splat').set(param[k]));
  fb.append(element);
  gradSum.forEach((g) => fb.f64x2Const(0).set(g));
  fb.i32(0).set(o);
  fb.loop();
  fb.append(sample);
  fb.get(o).i32(16).i32Add().tee(o).get(ARG.B8).i32LtU().brIf(0);
  fb.end();
  gradSum.forEach((g, p) => {
    fb.get(ARG.grad).get(E8).i32(p).i32Mul().i32Add().get(e).i32(3).i32Shl().i32Add();
    fb.get(g).lane('extractLane', 0).get(g).lane('extractLane', 1).f64Add().f64Store();
  });
  fb.get(e).i32(1).i32Add().set(e).br(0);
  fb.end().end();
  return fb;
}
