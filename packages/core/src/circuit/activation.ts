import * as E from 'fp-ts/Either';
import { KirchhoffError, type Issue } from '../errors';
import { compileLaw, type CompiledLaw } from '../symbolic/compile-law';
import { FunctionTable } from '../symbolic/function-table';

/**
 * A node-group activation f = act(h; β) and its Lagrangian L, with f = ∂L/∂h (the DenseAM convention:
 * the energy is built from L, the dynamics from f). Unit activations act per node and are declared
 * symbolically in `h` and `beta`; the compiler derives f′ (and ∂L/∂h, which a test compares with f).
 * Softmax is a group law, f = softmax(βh) with L = (1/β)·log Σ exp(βh), whose Jacobian β(diag f − f fᵀ)
 * is written out below: its derivation is checked against the symbolic engine on a small group and
 * against finite differences (core/test/circuit/activation.test.ts).
 */
export interface UnitActivationDefinition {
  readonly name: string;
  readonly kind: 'unit';
  readonly description: string;
  /** f as an expression in `h` and `beta`. */
  readonly activation: string;
  /** L with ∂L/∂h = f, in `h` and `beta`; written in an overflow-free form where needed. */
  readonly lagrangian: string;
}

export interface GroupActivationDefinition {
  readonly name: 'softmax';
  readonly kind: 'softmax';
  readonly description: string;
}

export type ActivationDefinition = UnitActivationDefinition | GroupActivationDefinition;

export const ACTIVATIONS: readonly ActivationDefinition[] = [
  { name: 'identity', kind: 'unit', description: 'f = h, L = h²/2 (linear neurons)', activation: 'h', lagrangian: 'h^2 / 2' },
  { name: 'relu', kind: 'unit', description: 'f = relu(h), L = relu(h)²/2', activation: 'relu(h)', lagrangian: 'relu(h)^2 / 2' },
  {
    name: 'tanh',
    kind: 'unit',
    description: 'f = tanh(h), L = log cosh h (as |h| + log1p(e^(−2|h|)) − log 2, which does not overflow)',
    activation: 'tanh(h)',
    lagrangian: 'abs(h) + log1p(exp(-2 * abs(h))) - log(2)',
  },
  { name: 'softmax', kind: 'softmax', description: 'f = softmax(βh) over the group, L = (1/β)·log Σ exp(βh)' },
];

/**
 * A compiled activation. `evaluate` writes f (and f′ for unit activations) for M nodes over the batch:
 * h and the outputs are M×B, node-major with the batch innermost.
 */
export interface CompiledActivation {
  readonly definition: ActivationDefinition;
  /** f and, when `slope` is given, the diagonal f′ (unit activations only). */
  evaluate(h: Float64Array, M: number, B: number, beta: number, f: Float64Array, slope: Float64Array | null): void;
  /** out = J_f·u (J_f is symmetric for every activation here, so this is also the VJP). */
  jvp(f: Float64Array, slope: Float64Array, u: Float64Array, M: number, B: number, beta: number, out: Float64Array): void;
  /**
   * Σ_m λ_m·L(h_m) per sample into out[b], λ = `nodeWeights` (all 1 when null). A group Lagrangian such
   * as softmax's is not a sum over units, so it takes λ_0 for the whole group (the caller checks λ is uniform).
   */
  lagrangian(h: Float64Array, M: number, B: number, beta: number, out: Float64Array, nodeWeights: Float64Array | null): void;
}

/** The laws behind a unit activation: f with its symbolic f′, and L with its symbolic ∂L/∂h. */
export interface UnitActivationLaws {
  readonly activation: CompiledLaw;
  readonly lagrangian: CompiledLaw;
}

const functions = new FunctionTable();

export function compileUnitLaws(definition: UnitActivationDefinition): E.Either<Issue[], UnitActivationLaws> {
  const law = (what: string, expression: string) =>
    compileLaw({ owner: `activation '${definition.name}' (${what})`, ports: ['h'], params: ['beta'], currents: [{ expression, stamps: [{ port: 0, sign: 1 }] }] }, functions);
  const activation = law('activation', definition.activation);
  const lagrangian = law('lagrangian', definition.lagrangian);
  if (E.isLeft(activation) || E.isLeft(lagrangian)) {
    return E.left([...(E.isLeft(activation) ? activation.left : []), ...(E.isLeft(lagrangian) ? lagrangian.left : [])]);
  }
  return E.right({ activation: activation.right, lagrangian: lagrangian.right });
}

function compileUnit(definition: UnitActivationDefinition): CompiledActivation {
  const laws = compileUnitLaws(definition);
  if (E.isLeft(laws)) throw new KirchhoffError(laws.left[0].code, laws.left.map((i) => i.message).join('; '));
  const { activation, lagrangian } = laws.right;
  // The partials kernel reads voltages through a port connection; here the group's own compact M×B
  // array is the "voltage" array and element e sits at row e, so conn is the identity map.
  let conn: Int32Array[] = [new Int32Array(0)];
  let betaRow = new Float64Array(0);
  let scratch: Float64Array[] = [];
  const prepare = (M: number, B: number, beta: number) => {
    if (conn[0].length !== M) conn = [Int32Array.from({ length: M }, (_, e) => e)];
    if (betaRow.length !== M || betaRow[0] !== beta) betaRow = new Float64Array(M).fill(beta);
    if (scratch.length === 0 || scratch[0].length !== M * B) scratch = [new Float64Array(M * B), new Float64Array(M * B), new Float64Array(M * B)];
  };
  return {
    definition,
    evaluate(h, M, B, beta, f, slope) {
      prepare(M, B, beta);
      activation.kernels.partials(0, M, B, conn, betaRow, M, h, [f], [slope ?? scratch[0]], [scratch[1]]);
    },
    jvp(_f, slope, u, M, B, _beta, out) {
      for (let i = 0; i < M * B; i++) out[i] = slope[i] * u[i];
    },
    lagrangian(h, M, B, beta, out, nodeWeights) {
      prepare(M, B, beta);
      lagrangian.kernels.partials(0, M, B, conn, betaRow, M, h, [scratch[0]], [scratch[1]], [scratch[2]]);
      out.fill(0, 0, B);
      for (let m = 0; m < M; m++) {
        const w = nodeWeights ? nodeWeights[m] : 1;
        for (let b = 0; b < B; b++) out[b] += w * scratch[0][m * B + b];
      }
    },
  };
}

/** softmax(βh) per sample, shifted by the largest βh so that exp never overflows. */
const softmax: CompiledActivation = {
  definition: ACTIVATIONS[3],
  evaluate(h, M, B, beta, f, slope) {
    for (let b = 0; b < B; b++) {
      let peak = -Infinity;
      for (let m = 0; m < M; m++) peak = Math.max(peak, beta * h[m * B + b]);
      let sum = 0;
      for (let m = 0; m < M; m++) {
        const x = Math.exp(beta * h[m * B + b] - peak);
        f[m * B + b] = x;
        sum += x;
      }
      for (let m = 0; m < M; m++) f[m * B + b] /= sum;
    }
    if (slope) slope.set(f.subarray(0, M * B));
  },
  // J = β(diag f − f fᵀ): J·u = β f ⊙ (u − ⟨f, u⟩), symmetric, so also Jᵀ·u.
  jvp(f, _slope, u, M, B, beta, out) {
    for (let b = 0; b < B; b++) {
      let dot = 0;
      for (let m = 0; m < M; m++) dot += f[m * B + b] * u[m * B + b];
      for (let m = 0; m < M; m++) out[m * B + b] = beta * f[m * B + b] * (u[m * B + b] - dot);
    }
  },
  lagrangian(h, M, B, beta, out, nodeWeights) {
    const w = nodeWeights ? nodeWeights[0] : 1;
    for (let b = 0; b < B; b++) {
      let peak = -Infinity;
      for (let m = 0; m < M; m++) peak = Math.max(peak, beta * h[m * B + b]);
      let sum = 0;
      for (let m = 0; m < M; m++) sum += Math.exp(beta * h[m * B + b] - peak);
      out[b] = (w * (peak + Math.log(sum))) / beta;
    }
  },
};

const compiled = new Map<string, CompiledActivation>();

/** The activation with this name, compiled once; `unknown-activation` lists the known ones. */
export function activationByName(name: string): E.Either<Issue, CompiledActivation> {
  const known = compiled.get(name);
  if (known) return E.right(known);
  const definition = ACTIVATIONS.find((a) => a.name === name);
  if (!definition) {
    return E.left({ code: 'unknown-activation', message: `unknown activation '${name}'; known: ${ACTIVATIONS.map((a) => a.name).join(', ')}` });
  }
  const result = definition.kind === 'softmax' ? softmax : compileUnit(definition);
  compiled.set(name, result);
  return E.right(result);
}
