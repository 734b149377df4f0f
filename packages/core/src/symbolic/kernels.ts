import type { ElementLaw } from './element-law';
import type { ScalarProgram } from './codegen';

/**
 * Kernel signatures. Every kernel processes elements [e0, e1) of one group over a whole batch.
 *
 * - `conn[k][e]` is the node on port k of element e; `params` holds P rows of E values (row k = θ_k).
 * - Voltage-like arrays are node-major with the batch innermost, including the ground row 0:
 *   entry (node n, sample b) is at n·B + b, and row 0 reads as 0 V. Writes to row 0 are ignored by the
 *   caller, which is cheaper than testing for ground in the inner loop.
 */
export type RhsKernel = (
  e0: number, e1: number, B: number,
  conn: readonly Int32Array[], params: Float64Array, E: number,
  v: Float64Array, out: Float64Array,
) => void;

/** out += J·u (and, for the fused variant, f += stamped currents). */
export type JvpKernel = (
  e0: number, e1: number, B: number,
  conn: readonly Int32Array[], params: Float64Array, E: number,
  v: Float64Array, u: Float64Array, out: Float64Array, f: Float64Array | null,
) => void;

/**
 * The adjoint: with w_j = Σ_stamps sign·a[port], adds ∂I_j/∂v_k · w_j into outA at port k and
 * Σ_b ∂I_j/∂θ · w_j into gradParams (same P×E layout as params). The fused variant also stamps the
 * currents into f, so the backward pass gets f(v) and the vector–Jacobian product from one pass.
 */
export type VjpKernel = (
  e0: number, e1: number, B: number,
  conn: readonly Int32Array[], params: Float64Array, E: number,
  v: Float64Array, a: Float64Array, outA: Float64Array, gradParams: Float64Array, f: Float64Array | null,
) => void;

/**
 * Raw values: for element e and sample b (index e·B + b), current j, ∂I_j/∂v_k and ∂I_j/∂θ_k into
 * currents[j], dV[j·K + k], dTheta[j·P + k]. For tests, Jacobian assembly and closed-form traces.
 */
export type PartialsKernel = (
  e0: number, e1: number, B: number,
  conn: readonly Int32Array[], params: Float64Array, E: number,
  v: Float64Array, currents: Float64Array[], dV: Float64Array[], dTheta: Float64Array[],
) => void;

export interface LawKernels {
  readonly rhs: RhsKernel;
  readonly jvp: JvpKernel;
  readonly vjp: VjpKernel;
  readonly partials: PartialsKernel;
  /** Generated source, for inspection and debugging. */
  readonly source: Readonly<Record<'rhs' | 'jvp' | 'vjp' | 'partials', string>>;
}

export interface LawPrograms {
  /** Currents only. */
  readonly current: ScalarProgram;
  /** Currents, then ∂I_j/∂v_k (j-major), then ∂I_j/∂θ_k (j-major), sharing subexpressions. */
  readonly fused: ScalarProgram;
}

const indent = (lines: readonly string[], depth: number) => lines.map((l) => '  '.repeat(depth) + l).join('\n');

function header(law: ElementLaw): { element: string[]; sample: string[] } {
  const element = [
    ...law.ports.map((_, k) => `const r${k} = c${k}[e] * B;`),
    ...law.params.map((_, k) => `const p${k} = params[${k === 0 ? 'e' : `${k} * E + e`}];`),
  ];
  const sample = law.ports.map((_, k) => `const v${k} = v[r${k} + b];`);
  return { element, sample };
}

function loop(law: ElementLaw, elementBody: string[], sampleBody: string[], after: string[] = []): string {
  const unpack = law.ports.map((_, k) => `const c${k} = conn[${k}];`);
  return [
    ...unpack,
    'for (let e = e0; e < e1; e++) {',
    indent(elementBody, 1),
    '  for (let b = 0; b < B; b++) {',
    indent(sampleBody, 2),
    '  }',
    indent(after, 1),
    '}',
  ].join('\n');
}

function stampLines(law: ElementLaw, target: string, valueOf: (j: number) => string): string[] {
  return law.currents.flatMap((c, j) =>
    c.stamps.map((s) => `${target}[r${s.port} + b] ${s.sign > 0 ? '+=' : '-='} ${valueOf(j)};`),
  );
}

export function generateKernels(law: ElementLaw, programs: LawPrograms): LawKernels {
  const J = law.currents.length;
  const K = law.ports.length;
  const P = law.params.length;
  const head = header(law);
  const fused = programs.fused;
  const current = (j: number) => fused.outputs[j];
  const dV = (j: number, k: number) => fused.outputs[J + j * K + k];
  const dTheta = (j: number, k: number) => fused.outputs[J + J * K + j * P + k];

  const rhsSrc = loop(
    law,
    [...head.element, ...programs.current.elementStatements],
    [
      ...head.sample,
      ...programs.current.sampleStatements,
      ...programs.current.outputs.map((o, j) => `const I${j} = ${o};`),
      ...stampLines(law, 'out', (j) => `I${j}`),
    ],
  );

  const fusedSample = [...head.sample, ...fused.sampleStatements];
  const jvpSrc = loop(
    law,
    [...head.element, ...fused.elementStatements],
    [
      ...fusedSample,
      ...law.currents.map((_, j) => {
        const terms = law.ports.map((_, k) => `${dV(j, k)} * u[r${k} + b]`);
        return `const dI${j} = ${terms.join(' + ')};`;
      }),
      ...stampLines(law, 'out', (j) => `dI${j}`),
      'if (f !== null) {',
      ...law.currents.map((_, j) => `  const I${j} = ${current(j)};`),
      ...stampLines(law, '  f', (j) => `I${j}`),
      '}',
    ],
  );

  const weights = law.currents.map((c, j) => {
    const terms = c.stamps.map((s) => `${s.sign > 0 ? '+' : '-'} a[r${s.port} + b]`);
    return `const w${j} = ${terms.join(' ').replace(/^\+ /, '')};`;
  });
  const vjpSrc = loop(
    law,
    [...head.element, ...fused.elementStatements, ...law.params.map((_, k) => `let g${k} = 0;`)],
    [
      ...fusedSample,
      ...weights,
      ...law.ports.map((_, k) => {
        const terms = law.currents.map((_, j) => `${dV(j, k)} * w${j}`);
        return `outA[r${k} + b] += ${terms.join(' + ')};`;
      }),
      ...law.params.map((_, k) => `g${k} += ${law.currents.map((_, j) => `${dTheta(j, k)} * w${j}`).join(' + ')};`),
      'if (f !== null) {',
      ...law.currents.map((_, j) => `  const I${j} = ${current(j)};`),
      ...stampLines(law, '  f', (j) => `I${j}`),
      '}',
    ],
    law.params.map((_, k) => `gradParams[${k === 0 ? 'e' : `${k} * E + e`}] += g${k};`),
  );

  const partialsSrc = loop(
    law,
    [...head.element, ...fused.elementStatements],
    [
      ...fusedSample,
      'const i = e * B + b;',
      ...law.currents.map((_, j) => `currents[${j}][i] = ${current(j)};`),
      ...law.currents.flatMap((_, j) => law.ports.map((_, k) => `dV[${j * K + k}][i] = ${dV(j, k)};`)),
      ...law.currents.flatMap((_, j) => law.params.map((_, k) => `dTheta[${j * P + k}][i] = ${dTheta(j, k)};`)),
    ],
  );

  const make = <T>(args: string[], body: string): T => new Function(...args, `'use strict';\n${body}`) as T;
  const common = ['e0', 'e1', 'B', 'conn', 'params', 'E', 'v'];
  return {
    rhs: make<RhsKernel>([...common, 'out'], rhsSrc),
    jvp: make<JvpKernel>([...common, 'u', 'out', 'f'], jvpSrc),
    vjp: make<VjpKernel>([...common, 'a', 'outA', 'gradParams', 'f'], vjpSrc),
    partials: make<PartialsKernel>([...common, 'currents', 'dV', 'dTheta'], partialsSrc),
    source: { rhs: rhsSrc, jvp: jvpSrc, vjp: vjpSrc, partials: partialsSrc },
  };
}
