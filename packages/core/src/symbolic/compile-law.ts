import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import * as A from 'fp-ts/Array';
import { KirchhoffError, type Issue } from '../errors';
import { compileScalarProgram, type SymbolBinding } from './codegen';
import { Differentiator } from './differentiate';
import type { ElementLaw } from './element-law';
import { parseExpression } from './expression';
import type { FunctionTable } from './function-table';
import { generateKernels, type LawKernels } from './kernels';
import { generateTraceKernels, type TraceKernels } from './trace-kernels';
import { stripParentheses, type Node } from './tree';
import { compileSimdKernels, type SimdKernels } from '../simd/simd-kernels';

/** The scalar values of a law at one point: currents, ∂I_j/∂v_k (j-major) and ∂I_j/∂θ_k (j-major). */
export interface PointValues {
  readonly currents: number[];
  readonly dV: number[];
  readonly dTheta: number[];
}

export interface CompiledLaw {
  readonly law: ElementLaw;
  /** Parsed current expressions, one per current. */
  readonly currentTrees: readonly Node[];
  /** ∂I_j/∂v_k, indexed [j][k]. */
  readonly voltagePartials: readonly (readonly Node[])[];
  /** ∂I_j/∂θ_k, indexed [j][k]. */
  readonly paramPartials: readonly (readonly Node[])[];
  readonly kernels: LawKernels;
  /**
   * The closed-form Jacobian-trace kernels (CNF), with second derivatives of the law: generated on first
   * call and cached. Throws a KirchhoffError when a second derivative cannot be formed.
   */
  traceKernels(): TraceKernels;
  /**
   * The same kernels as WebAssembly over f64x2 lanes (`simd/`), compiled on first call; undefined when the
   * law uses an operation the SIMD compiler does not handle, and the JavaScript kernels serve alone.
   */
  simdKernels(): SimdKernels | undefined;
  /** Evaluates currents and all partials at one point through generated code (not mathjs). */
  evaluateAt(voltages: readonly number[], params: readonly number[]): PointValues;
}

const validateParamNames = (law: ElementLaw, functions: FunctionTable): Issue[] => {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  for (const name of [...law.ports, ...law.params]) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
      issues.push({ code: 'invalid-param-name', where: law.owner, message: `'${name}' is not a valid symbol name (letters, digits, _; starting with a letter)` });
    } else if (seen.has(name)) {
      issues.push({ code: 'duplicate-param', where: law.owner, message: `symbol '${name}' is declared twice` });
    } else if (['pi', 'e'].includes(name) || functions.get(name)) {
      issues.push({ code: 'reserved-name', where: law.owner, message: `'${name}' is reserved (a constant or function name)` });
    }
    seen.add(name);
  }
  return issues;
};

/**
 * Parses, checks, differentiates and compiles a law. All problems are collected and returned together.
 */
export function compileLaw(law: ElementLaw, functions: FunctionTable): E.Either<Issue[], CompiledLaw> {
  const nameIssues = validateParamNames(law, functions);
  const symbols = [...law.ports, ...law.params];
  const parsed = law.currents.map((c) => parseExpression(c.expression, { owner: law.owner, symbols, functions }));
  const issues = [...nameIssues, ...parsed.flatMap((p) => (E.isLeft(p) ? p.left : []))];
  if (law.currents.length === 0) issues.push({ code: 'no-current', where: law.owner, message: 'an element needs at least one current' });
  for (const c of law.currents) {
    for (const s of c.stamps) {
      if (!Number.isInteger(s.port) || s.port < 0 || s.port >= law.ports.length) {
        issues.push({ code: 'invalid-stamp', where: law.owner, message: `stamp on port ${s.port}, but the element has ${law.ports.length} ports` });
      }
    }
  }
  if (issues.length) return E.left(issues);
  const trees = pipe(
    parsed,
    A.map((p) => (p as E.Right<Node>).right),
    A.map(stripParentheses),
  );
  try {
    return E.right(build(law, trees, functions));
  } catch (err) {
    const e = err as { code?: string; message: string };
    return E.left([{ code: e.code ?? 'compile-error', where: law.owner, message: e.message }]);
  }
}

function build(law: ElementLaw, currentTrees: Node[], functions: FunctionTable): CompiledLaw {
  const diff = new Differentiator(functions);
  const voltagePartials = currentTrees.map((t) => law.ports.map((p) => diff.derivative(t, p)));
  const paramPartials = currentTrees.map((t) => law.params.map((p) => diff.derivative(t, p)));
  const bindings = new Map<string, SymbolBinding>([
    ...law.ports.map((p, k) => [p, { identifier: `v${k}`, perSample: true }] as const),
    ...law.params.map((p, k) => [p, { identifier: `p${k}`, perSample: false }] as const),
  ]);
  const fusedTrees = [...currentTrees, ...voltagePartials.flat(), ...paramPartials.flat()];
  const programs = {
    current: compileScalarProgram(currentTrees, bindings, functions),
    fused: compileScalarProgram(fusedTrees, bindings, functions),
  };
  const kernels = generateKernels(law, programs);
  const J = currentTrees.length;
  const K = law.ports.length;
  const P = law.params.length;
  // One element, one sample, through the partials kernel: the scalar path shares the vector path's code.
  const conn = law.ports.map((_, k) => Int32Array.of(k));
  const v = new Float64Array(K);
  const paramBuf = new Float64Array(P);
  const currents = Array.from({ length: J }, () => new Float64Array(1));
  const dV = Array.from({ length: J * K }, () => new Float64Array(1));
  const dTheta = Array.from({ length: J * P }, () => new Float64Array(1));
  let trace: TraceKernels | undefined;
  let simd: { kernels: SimdKernels | undefined } | undefined;
  return {
    law,
    currentTrees,
    voltagePartials,
    paramPartials,
    kernels,
    traceKernels() {
      trace ??= generateTraceKernels(law, currentTrees, functions);
      return trace;
    },
    simdKernels() {
      simd ??= { kernels: compileSimdKernels(law, currentTrees, voltagePartials, paramPartials, functions) };
      return simd.kernels;
    },
    evaluateAt(voltages, params) {
      if (voltages.length !== K || params.length !== P) {
        throw new KirchhoffError('param-count', `${law.owner}: expected ${K} voltages and ${P} parameters, got ${voltages.length} and ${params.length}`);
      }
      v.set(voltages);
      paramBuf.set(params);
      kernels.partials(0, 1, 1, conn, paramBuf, 1, v, currents, dV, dTheta);
      return { currents: currents.map((a) => a[0]), dV: dV.map((a) => a[0]), dTheta: dTheta.map((a) => a[0]) };
    },
  };
}
