import * as mathjs from 'mathjs';
import { compileScalarProgram, type ScalarProgram, type SymbolBinding } from './codegen';
import { Differentiator } from './differentiate';
import type { ElementLaw } from './element-law';
import { FunctionTable } from './function-table';
import { builtinFunctionRules, type FunctionRule } from './functions';
import { fold } from './fold';
import { isConstant, operator, type Node } from './tree';

/**
 * Kernels for the closed-form trace of the KCL Jacobian and its derivatives (continuous normalising
 * flows). Arguments as in `kernels.ts`, plus `nodeWeight`: one value per node of the padded state,
 * `nodeWeight[0] = 0` (ground is not in the state) and `nodeWeight[n] = 1/C_n`.
 *
 * For an element with currents I_j stamped with signs σ onto ports p, the diagonal of ∂f/∂v it feeds is
 * ∂f_n/∂v_n += σ·w_n·Σ_{k: node_k = n} ∂I_j/∂v_k (n = node of p). Its trace contribution per sample is
 *   τ(v; θ) = Σ_j Σ_k W_jk·∂I_j/∂v_k,   W_jk = Σ_{stamps (p, σ) of I_j} σ·w_{node_p}·[node_k = node_p],
 * with W constant per element. For a two-terminal branch (no self-loops) this is
 *   τ = w_d·∂I/∂v_d − w_s·∂I/∂v_s,
 * and tr(∂f/∂v) of sample b is Σ_e τ_e(b). τ is a symbolic expression of the law (the W_jk are symbols bound
 * once per element), so ∂τ/∂v_k and ∂τ/∂θ_k (second derivatives of the law) come from the same
 * differentiator as the first partials, and all of it is compiled into fused, batch-innermost loops.
 */

/** tr[b] += Σ_e τ_e(b); if `f` is given (padded, unscaled like `rhs`), also stamps the currents into it. */
export type TraceRhsKernel = (
  e0: number, e1: number, B: number,
  conn: readonly Int32Array[], params: Float64Array, E: number,
  nodeWeight: Float64Array, v: Float64Array, tr: Float64Array, f: Float64Array | null,
) => void;

/** out += J·u (stamped, unscaled, as `jvp`) and trOut[b] += Σ_e Σ_k ∂τ_e/∂v_k·u_k: the trace row of the Jacobian. */
export type TraceJvpKernel = (
  e0: number, e1: number, B: number,
  conn: readonly Int32Array[], params: Float64Array, E: number,
  nodeWeight: Float64Array, v: Float64Array, u: Float64Array, out: Float64Array, trOut: Float64Array,
) => void;

/**
 * The adjoint of (f, tr) in one pass: with w_j = Σ_stamps σ·a[port] (a already scaled by 1/C, as for
 * `vjp`) and a per-sample coefficient c_b = coef[b] on the trace,
 *   outA[port k] += Σ_j ∂I_j/∂v_k·w_j + c_b·∂τ/∂v_k,   gradParams_k += Σ_b (Σ_j ∂I_j/∂θ_k·w_j + c_b·∂τ/∂θ_k).
 * If `f` is given it also stamps the currents into f and adds τ into `tr` (both must then be given).
 */
export type TraceVjpKernel = (
  e0: number, e1: number, B: number,
  conn: readonly Int32Array[], params: Float64Array, E: number,
  nodeWeight: Float64Array, v: Float64Array, a: Float64Array, coef: Float64Array,
  outA: Float64Array, gradParams: Float64Array, f: Float64Array | null, tr: Float64Array | null,
) => void;

export interface TraceKernels {
  readonly rhs: TraceRhsKernel;
  readonly jvp: TraceJvpKernel;
  readonly vjp: TraceVjpKernel;
  /** The per-element trace contribution τ and its derivatives, as trees (for inspection and tests). */
  readonly trees: { readonly tau: Node; readonly dTauDv: readonly Node[]; readonly dTauDtheta: readonly Node[] };
  /** Generated source (`…Fused`: the variants that also stamp f), for inspection and debugging. */
  readonly source: Readonly<Record<'rhs' | 'rhsFused' | 'jvp' | 'vjp' | 'vjpFused', string>>;
}

const weightName = (j: number, k: number) => `W${j}_${k}`;
/** Tree symbols of the weights: a leading underscore, which no law symbol may have, so they never collide. */
const weightSymbol = (j: number, k: number) => `_${weightName(j, k)}`;

/** `trOut[b] += Σ derivative·direction`, without the terms whose derivative is identically 0. */
function trOutLine(terms: readonly (readonly [string, string])[]): string[] {
  const live = terms.filter(([d]) => d !== '0').map(([d, u]) => `${d} * ${u}`);
  return live.length ? [`trOut[b] += ${live.join(' + ')};`] : [];
}

/**
 * Derivative rules that reuse the function's own value (tanh′ = 1 − tanh², sech′ = −sech·tanh), so that a
 * current, its partials and their partials share one transcendental call per sample: with the default
 * rules a tanh law's second derivatives need tanh, cosh and sinh. Only the built-in rules are replaced; a
 * rule a plugin registered under the same name is kept.
 */
const SELF_REFERENTIAL_PARTIALS: Readonly<Record<string, readonly string[]>> = {
  tanh: ['1 - tanh(x) ^ 2'],
  sech: ['-sech(x) * tanh(x)'],
  tan: ['1 + tan(x) ^ 2'],
};

function secondOrderTable(functions: FunctionTable): FunctionTable {
  const builtins = new Set<FunctionRule>(builtinFunctionRules);
  const plugins = functions.list().filter((rule) => !builtins.has(rule));
  const faster = Object.entries(SELF_REFERENTIAL_PARTIALS)
    .filter(([name]) => builtins.has(functions.get(name)!))
    .map(([name, partials]) => ({ ...functions.get(name)!, partials }));
  return new FunctionTable([...plugins, ...faster], { override: true });
}

/**
 * Generates the trace kernels of a law from its current trees. The first and second partials are
 * differentiated here, with `secondOrderTable`'s rules. Throws a KirchhoffError (`no-derivative-rule`, …)
 * when a second derivative cannot be formed.
 */
export function generateTraceKernels(law: ElementLaw, currentTrees: readonly Node[], lawFunctions: FunctionTable): TraceKernels {
  const functions = secondOrderTable(lawFunctions);
  const diff = new Differentiator(functions);
  const voltagePartials = currentTrees.map((t) => law.ports.map((p) => diff.derivative(t, p)));
  const paramPartials = currentTrees.map((t) => law.params.map((p) => diff.derivative(t, p)));
  const J = law.currents.length;
  const K = law.ports.length;
  const P = law.params.length;
  const used: [number, number][] = [];
  let tau: Node | null = null;
  for (let j = 0; j < J; j++) {
    for (let k = 0; k < K; k++) {
      const partial = voltagePartials[j][k];
      if (isConstant(partial, 0)) continue;
      used.push([j, k]);
      const term = operator('multiply', [new mathjs.SymbolNode(weightSymbol(j, k)), partial]);
      tau = tau === null ? term : operator('add', [tau, term]);
    }
  }
  const tauTree = fold(tau ?? new mathjs.ConstantNode(0));
  const dTauDv = law.ports.map((p) => diff.derivative(tauTree, p));
  const dTauDtheta = law.params.map((p) => diff.derivative(tauTree, p));

  const bindings = new Map<string, SymbolBinding>([
    ...law.ports.map((p, k) => [p, { identifier: `v${k}`, perSample: true }] as const),
    ...law.params.map((p, k) => [p, { identifier: `p${k}`, perSample: false }] as const),
    ...used.map(([j, k]) => [weightSymbol(j, k), { identifier: weightName(j, k), perSample: false }] as const),
  ]);
  const compile = (trees: Node[]): ScalarProgram => compileScalarProgram(trees, bindings, functions);
  const rhsProgram = compile([...currentTrees, tauTree]);
  const jvpProgram = compile([...voltagePartials.flat(), ...dTauDv]);
  const vjpProgram = compile([...currentTrees, ...voltagePartials.flat(), ...paramPartials.flat(), tauTree, ...dTauDv, ...dTauDtheta]);

  // W_jk = Σ_{stamps (p, σ) of I_j} σ·w[node_p]·[node_k = node_p], once per element.
  const weights = used.map(([j, k]) => {
    const terms = law.currents[j].stamps.map((s) => {
      const w = `${s.sign > 0 ? '' : '-'}nodeWeight[c${s.port}[e]]`;
      return s.port === k ? w : `(c${k}[e] === c${s.port}[e] ? ${w} : 0)`;
    });
    return `const ${weightName(j, k)} = ${terms.join(' + ')};`;
  });
  const element = (program: ScalarProgram) => [
    ...law.ports.map((_, k) => `const r${k} = c${k}[e] * B;`),
    ...law.params.map((_, k) => `const p${k} = params[${k === 0 ? 'e' : `${k} * E + e`}];`),
    ...weights,
    ...program.elementStatements,
  ];
  const sample = (program: ScalarProgram) => [...law.ports.map((_, k) => `const v${k} = v[r${k} + b];`), ...program.sampleStatements];
  const stamp = (target: string, valueOf: (j: number) => string) =>
    law.currents.flatMap((c, j) => c.stamps.map((s) => `${target}[r${s.port} + b] ${s.sign > 0 ? '+=' : '-='} ${valueOf(j)};`));
  const stampCurrents = (program: ScalarProgram) => [
    ...law.currents.map((_, j) => `const I${j} = ${program.outputs[j]};`),
    ...stamp('f', (j) => `I${j}`),
  ];

  const rhsOut = rhsProgram.outputs;
  // Each kernel that may also stamp f comes in two variants, so that no test of f sits in the inner loop.
  const rhsSource = (withF: boolean) =>
    batchLoop(law, element(rhsProgram), [...sample(rhsProgram), `tr[b] += ${rhsOut[J]};`, ...(withF ? stampCurrents(rhsProgram) : [])]);

  const jvpOut = jvpProgram.outputs;
  const jvpSrc = batchLoop(law, element(jvpProgram), [
    ...sample(jvpProgram),
    ...law.currents.map((_, j) => `const dI${j} = ${law.ports.map((_, k) => `${jvpOut[j * K + k]} * u[r${k} + b]`).join(' + ')};`),
    ...stamp('out', (j) => `dI${j}`),
    ...trOutLine(law.ports.map((_, k) => [jvpOut[J * K + k], `u[r${k} + b]`] as const)),
  ]);

  const out = vjpProgram.outputs;
  // Terms whose second derivative is identically 0 (a piecewise-linear law) are left out.
  const withTrace = (terms: string[], dTau: string) => (dTau === '0' ? terms.join(' + ') : `${terms.join(' + ')} + cb * ${dTau}`);
  const dV = (j: number, k: number) => out[J + j * K + k];
  const dTheta = (j: number, k: number) => out[J + J * K + j * P + k];
  const tauAt = J + J * K + J * P;
  const vjpWeights = law.currents.map((c, j) => {
    const terms = c.stamps.map((s) => `${s.sign > 0 ? '+' : '-'} a[r${s.port} + b]`);
    return `const w${j} = ${terms.join(' ').replace(/^\+ /, '')};`;
  });
  const vjpSource = (withF: boolean) =>
    batchLoop(
      law,
      [...element(vjpProgram), ...law.params.map((_, k) => `let g${k} = 0;`)],
      [
        ...sample(vjpProgram),
        ...vjpWeights,
        'const cb = coef[b];',
        ...law.ports.map((_, k) => {
          const terms = law.currents.map((_, j) => `${dV(j, k)} * w${j}`);
          return `outA[r${k} + b] += ${withTrace(terms, out[tauAt + 1 + k])};`;
        }),
        ...law.params.map((_, k) => {
          const terms = law.currents.map((_, j) => `${dTheta(j, k)} * w${j}`);
          return `g${k} += ${withTrace(terms, out[tauAt + 1 + K + k])};`;
        }),
        ...(withF ? [...stampCurrents(vjpProgram), `tr[b] += ${out[tauAt]};`] : []),
      ],
      law.params.map((_, k) => `gradParams[${k === 0 ? 'e' : `${k} * E + e`}] += g${k};`),
    );

  const make = <T>(args: string[], body: string): T => new Function(...args, `'use strict';\n${body}`) as T;
  const common = ['e0', 'e1', 'B', 'conn', 'params', 'E', 'nodeWeight', 'v'];
  const source = { rhs: rhsSource(false), rhsFused: rhsSource(true), jvp: jvpSrc, vjp: vjpSource(false), vjpFused: vjpSource(true) };
  const rhsPlain = make<TraceRhsKernel>([...common, 'tr', 'f'], source.rhs);
  const rhsFused = make<TraceRhsKernel>([...common, 'tr', 'f'], source.rhsFused);
  const vjpPlain = make<TraceVjpKernel>([...common, 'a', 'coef', 'outA', 'gradParams', 'f', 'tr'], source.vjp);
  const vjpFused = make<TraceVjpKernel>([...common, 'a', 'coef', 'outA', 'gradParams', 'f', 'tr'], source.vjpFused);
  return {
    rhs: (e0, e1, B, conn, params, E, nodeWeight, v, tr, f) =>
      (f === null ? rhsPlain : rhsFused)(e0, e1, B, conn, params, E, nodeWeight, v, tr, f),
    jvp: make<TraceJvpKernel>([...common, 'u', 'out', 'trOut'], source.jvp),
    vjp: (e0, e1, B, conn, params, E, nodeWeight, v, a, coef, outA, gradParams, f, tr) =>
      (f === null ? vjpPlain : vjpFused)(e0, e1, B, conn, params, E, nodeWeight, v, a, coef, outA, gradParams, f, tr),
    trees: { tau: tauTree, dTauDv, dTauDtheta },
    source,
  };
}

/**
 * Copies of the sample body per trip of the batch loop: V8 neither unrolls nor vectorises, and a few
 * independent samples per trip let it schedule them together (as the first-order kernels do).
 */
const UNROLL = 4;

/** The element loop around the batch loop (unrolled by UNROLL, then the remainder); `b` is the sample. */
function batchLoop(law: ElementLaw, elementBody: string[], sampleBody: string[], after: string[] = []): string {
  const indent = (lines: readonly string[], depth: number) => lines.map((l) => '  '.repeat(depth) + l);
  const copy = (offset: number) => ['{', `  const b = b0${offset === 0 ? '' : ` + ${offset}`};`, ...indent(sampleBody, 1), '}'];
  return [
    ...law.ports.map((_, k) => `const c${k} = conn[${k}];`),
    'for (let e = e0; e < e1; e++) {',
    ...indent(elementBody, 1),
    '  let b0 = 0;',
    `  for (; b0 + ${UNROLL - 1} < B; b0 += ${UNROLL}) {`,
    ...indent(Array.from({ length: UNROLL }, (_, o) => copy(o)).flat(), 2),
    '  }',
    '  for (; b0 < B; b0++) {',
    ...indent(copy(0), 2),
    '  }',
    ...indent(after, 1),
    '}',
  ].join('\n');
}
