import * as E from 'fp-ts/Either';
import { createCircuit, type Circuit } from '../circuit/circuit';
import { compileControlledSource, type CompiledControlledSource } from '../circuit/controlled-source';
import type { CouplingInput, CouplingMode } from '../circuit/coupling';
import type { Issue } from '../errors';
import { Rng } from '../random/rng';
import { DenseAmEnergy, type EnergyGroup } from './energy';

/**
 * A Dense Associative Memory as an RC circuit (Bacvanski, You, Hopfield, Krotov, arXiv 2512.15002):
 *
 *   τ_v dv_i/dt = Σ_k Σ_μ ξᵏ_{μi} fᵏ_μ + a_i − v_i        (+ Σ_j W_ij g_j with a recurrent matrix)
 *   τ_k dhᵏ_μ/dt = Σ_i ξᵏ_{μi} g_i + bᵏ_μ − hᵏ_μ
 *
 * with g = act_v(v), fᵏ = act_k(hᵏ). Each neuron is a node with C = τ and a unit leak to ground; its bias is
 * a current source; each ξᵏ is one array run both ways by two couplings (visible→hidden target-major,
 * hidden→visible source-major), so the hidden→visible weights are the transpose of the visible→hidden
 * ones by construction. Units: C = τ, leak 1, G = ξ, bias current = a (the reference's KCL form).
 */
export interface PopulationSpec {
  readonly size: number;
  /** Time constant τ = C/G_L (G_L = 1). */
  readonly tau: number;
  readonly activation: string;
  /** Inverse temperature (softmax), > 0. Default 1. */
  readonly beta?: number;
  /** Bias (a or b), one per unit; default 0. */
  readonly bias?: ArrayLike<number>;
}

export interface HiddenSpec extends PopulationSpec {
  readonly name?: string;
  /** ξ, N_h × N_v row-major (ξ[μ·N_v + i]); with `perSampleBatch`, entry (μ·N_v + i)·B + b. Kept, not copied. */
  readonly weights: Float64Array | readonly (readonly number[])[];
  /** Hidden→visible weights, N_v × N_h, if a config gives them: must be the transpose of `weights`. */
  readonly weightsBack?: readonly (readonly number[])[];
  readonly perSampleBatch?: number;
}

export interface DenseAmSpec {
  readonly visible: PopulationSpec & {
    /** Visible units (0-based) held by ideal sources at their input value. */
    readonly clamped?: readonly number[];
    /** A square visible→visible matrix (classical Hopfield term); must be symmetric. */
    readonly recurrent?: readonly (readonly number[])[];
  };
  readonly hidden: readonly HiddenSpec[];
  /** Visible units (0-based) read as the answer. Default: every unclamped one. */
  readonly readout?: readonly number[];
  /** Crossbar topology (see `circuit/coupling.ts`). Default virtual-ground. */
  readonly mode?: CouplingMode;
  /** Finite gain-bandwidth: each activation output passes a first-order amplifier pole with this τ. */
  readonly amplifierTau?: number;
  /** Conductance noise: every crossbar entry (each direction on its own) times (1 + std·N(0, 1)). */
  readonly conductanceNoise?: { readonly std: number; readonly seed: number };
}

export interface DenseAmModel {
  readonly spec: DenseAmSpec;
  readonly circuit: Circuit;
  readonly visibleNodes: Int32Array;
  readonly hiddenNodes: readonly Int32Array[];
  readonly readoutNodes: Int32Array;
  readonly clampedNodes: readonly number[];
  /** ξᵏ as used by the circuit (shared with its couplings: updating it updates the circuit). */
  readonly weights: readonly Float64Array[];
  /** The Lyapunov energy, or null with the reason (amplifier poles, noise: no energy guarantee). */
  readonly energy: DenseAmEnergy | null;
  readonly energyUnavailable?: string;
  readonly tauVisible: number;
  /** The full initial state from visible voltages (N_v × B): h(0) = ξ g(v0) + b, amplifiers at their input. */
  initialState(visible: Float64Array, batch: number): Float64Array;
}

let leakBias: CompiledControlledSource | undefined;
/** A neuron's own terminal: bias current a in, leak g·v out. */
export function leakBiasSource(): CompiledControlledSource {
  if (!leakBias) {
    const compiled = compileControlledSource({ name: 'leak-bias', controls: [], params: ['a', 'g'], current: 'a - g * vn' });
    if (E.isLeft(compiled)) throw new Error(compiled.left[0].message);
    leakBias = compiled.right;
  }
  return leakBias;
}

const matrixIssue = (where: string, code: string, message: string): Issue => ({ code, where, message });

function toRowMajor(rows: readonly (readonly number[])[], R: number, C: number, where: string, issues: Issue[]): Float64Array {
  const out = new Float64Array(R * C);
  if (rows.length !== R || rows.some((r) => r.length !== C)) {
    issues.push(matrixIssue(where, 'matrix-shape', `expected ${R} rows of ${C} values`));
    return out;
  }
  rows.forEach((r, i) => out.set(r, i * C));
  return out;
}

export function createDenseAm(spec: DenseAmSpec, where = 'denseam'): E.Either<Issue[], DenseAmModel> {
  const issues: Issue[] = [];
  const Nv = spec.visible.size;
  const mode = spec.mode ?? 'virtual-ground';
  const positive = (x: number | undefined, at: string, code = 'invalid-value') => {
    if (x !== undefined && !(x > 0 && Number.isFinite(x))) issues.push(matrixIssue(at, code, `expected a finite number > 0, got ${x}`));
  };
  positive(spec.visible.tau, `${where}.visible.tau`, 'invalid-time-constant');
  positive(spec.visible.beta, `${where}.visible.beta`, 'invalid-beta');
  positive(spec.amplifierTau, `${where}.amplifierTau`, 'invalid-time-constant');
  if (!Number.isInteger(Nv) || Nv < 1) issues.push(matrixIssue(`${where}.visible.size`, 'invalid-value', `expected a whole number ≥ 1, got ${Nv}`));
  if (spec.hidden.length === 0 && !spec.visible.recurrent) issues.push(matrixIssue(`${where}.hidden`, 'missing-field', 'a DenseAM needs at least one hidden population (or a recurrent matrix)'));

  const clamped = [...(spec.visible.clamped ?? [])];
  clamped.forEach((i) => {
    if (!Number.isInteger(i) || i < 0 || i >= Nv) issues.push(matrixIssue(`${where}.visible.clamped`, 'node-out-of-range', `visible unit ${i} does not exist: units are 0..${Nv - 1}`));
  });
  const readout = spec.readout ? [...spec.readout] : Array.from({ length: Nv }, (_, i) => i).filter((i) => !clamped.includes(i));
  readout.forEach((i) => {
    if (!Number.isInteger(i) || i < 0 || i >= Nv) issues.push(matrixIssue(`${where}.readout`, 'node-out-of-range', `visible unit ${i} does not exist: units are 0..${Nv - 1}`));
    else if (clamped.includes(i)) {
      issues.push(matrixIssue(`${where}.readout`, 'clamped-readout', `visible unit ${i} is clamped (held by a voltage source at its input) and cannot also be a readout: it would read back the input`));
    }
  });

  // Node numbering: visible 1..Nv, then each hidden population, then amplifier outputs.
  let next = Nv + 1;
  const range = (n: number) => Int32Array.from({ length: n }, () => next++);
  const visibleNodes = Int32Array.from({ length: Nv }, (_, i) => i + 1);
  const hiddenNodes = spec.hidden.map((h) => range(h.size));
  const weights: Float64Array[] = [];
  spec.hidden.forEach((h, k) => {
    const at = `${where}.hidden[${k}]`;
    positive(h.tau, `${at}.tau`, 'invalid-time-constant');
    if (h.beta !== undefined && !(h.beta > 0 && Number.isFinite(h.beta))) {
      issues.push(matrixIssue(`${at}.beta`, 'invalid-beta', `the inverse temperature β must be a finite number > 0, got ${h.beta}`));
    }
    const B = h.perSampleBatch ?? 1;
    const xi = h.weights instanceof Float64Array ? h.weights : toRowMajor(h.weights, h.size, Nv, `${at}.weights`, issues);
    if (xi.length !== h.size * Nv * B) issues.push(matrixIssue(`${at}.weights`, 'matrix-shape', `expected ${h.size}×${Nv}${B > 1 ? `×${B}` : ''} weights, got ${xi.length}`));
    if (h.weightsBack) {
      const back = toRowMajor(h.weightsBack, Nv, h.size, `${at}.weightsBack`, issues);
      const scale = Math.max(1e-300, ...Array.from(xi, Math.abs));
      let worst = -1;
      for (let i = 0; i < Nv && worst < 0; i++) {
        for (let m = 0; m < h.size; m++) if (Math.abs(back[i * h.size + m] - xi[m * Nv + i]) > 1e-12 * scale) { worst = i * h.size + m; break; }
      }
      if (worst >= 0 && back.length === Nv * h.size) {
        const i = Math.floor(worst / h.size);
        const m = worst % h.size;
        issues.push(matrixIssue(`${at}.weightsBack`, 'asymmetric-coupling', `hidden→visible weights must be the transpose of visible→hidden (the energy needs one symmetric coupling): weightsBack[${i}][${m}] = ${back[worst]} but weights[${m}][${i}] = ${xi[m * Nv + i]}`));
      }
    }
    weights.push(xi);
  });
  let recurrent: Float64Array | undefined;
  if (spec.visible.recurrent) {
    recurrent = toRowMajor(spec.visible.recurrent, Nv, Nv, `${where}.visible.recurrent`, issues);
    for (let i = 0; i < Nv; i++) {
      for (let j = 0; j < i; j++) {
        if (recurrent[i * Nv + j] !== recurrent[j * Nv + i]) {
          issues.push(matrixIssue(`${where}.visible.recurrent`, 'asymmetric-coupling', `a square recurrent matrix must be symmetric for the energy to exist: [${i}][${j}] = ${recurrent[i * Nv + j]}, [${j}][${i}] = ${recurrent[j * Nv + i]}`));
          i = Nv;
          break;
        }
      }
    }
  }
  for (const [p, at] of [[spec.visible, `${where}.visible`], ...spec.hidden.map((h, k) => [h, `${where}.hidden[${k}]`] as const)] as const) {
    if (p.bias && p.bias.length !== p.size) issues.push(matrixIssue(`${at}.bias`, 'matrix-shape', `expected ${p.size} biases, got ${p.bias.length}`));
  }
  if (issues.length) return E.left(issues);

  const amplifierTau = spec.amplifierTau;
  const noise = spec.conductanceNoise;
  const rng = noise ? new Rng(noise.seed) : undefined;
  const perturbed = (xi: Float64Array) => (rng && noise ? xi.map((w) => w * (1 + noise.std * rng.normal())) : xi);

  const couplings: CouplingInput[] = [];
  const amplifierStages: AmplifierStage[] = [];
  const capacitance: number[] = [];
  const leakParams: number[][] = [[], []];
  const leakOutputs: number[] = [];
  const addNeurons = (nodes: Int32Array, tau: number, bias?: ArrayLike<number>) =>
    nodes.forEach((n, i) => {
      capacitance[n - 1] = tau;
      leakOutputs.push(n);
      leakParams[0].push(bias?.[i] ?? 0);
      leakParams[1].push(1);
    });
  addNeurons(visibleNodes, spec.visible.tau, spec.visible.bias);
  spec.hidden.forEach((h, k) => addNeurons(hiddenNodes[k], h.tau, h.bias));

  // An activation output: the group itself (ideal amplifier), or amplifier nodes following it with one pole.
  const amplified = (nodes: Int32Array, activation: string, beta: number | undefined): { nodes: Int32Array; activation: string; beta?: number } => {
    if (amplifierTau === undefined) return { nodes, activation, beta };
    const out = range(nodes.length);
    addNeurons(out, amplifierTau);
    const identity = new Float64Array(nodes.length * nodes.length);
    for (let m = 0; m < nodes.length; m++) identity[m * nodes.length + m] = 1;
    couplings.push({ activation, beta, source: nodes, target: out, weights: identity, mode: 'virtual-ground' });
    amplifierStages.push({ source: nodes, target: out, activation, beta });
    return { nodes: out, activation: 'identity' };
  };
  const g = amplified(visibleNodes, spec.visible.activation, spec.visible.beta);
  spec.hidden.forEach((h, k) => {
    const f = amplified(hiddenNodes[k], h.activation, h.beta);
    const perSampleBatch = h.perSampleBatch;
    couplings.push({ activation: g.activation, beta: g.beta, source: g.nodes, target: hiddenNodes[k], weights: perturbed(weights[k]), layout: 'target-major', perSampleBatch, mode });
    couplings.push({ activation: f.activation, beta: f.beta, source: f.nodes, target: visibleNodes, weights: perturbed(weights[k]), layout: 'source-major', perSampleBatch, mode });
  });
  if (recurrent) couplings.push({ activation: g.activation, beta: g.beta, source: g.nodes, target: visibleNodes, weights: perturbed(recurrent), layout: 'source-major', mode });

  const numNodes = next - 1;
  const circuit = createCircuit(
    {
      numNodes,
      capacitance,
      groups: [],
      sources: [{ type: leakBiasSource(), controls: leakOutputs.map(() => []), output: leakOutputs, params: [...leakParams[0], ...leakParams[1]] }],
      couplings,
      clamped: clamped.map((i) => visibleNodes[i]),
    },
    where,
  );
  if (E.isLeft(circuit)) return circuit;

  const groups: EnergyGroup[] = [
    { nodes: visibleNodes, activation: spec.visible.activation, beta: spec.visible.beta ?? 1, bias: spec.visible.bias },
    ...spec.hidden.map((h, k) => ({ nodes: hiddenNodes[k], activation: h.activation, beta: h.beta ?? 1, bias: h.bias })),
  ];
  const energyUnavailable =
    amplifierTau !== undefined
      ? 'amplifier poles make the dynamics non-gradient: no energy guarantee'
      : noise
        ? 'conductance noise perturbs the two directions of each crossbar independently: the coupling is no longer symmetric'
        : undefined;
  const energy = energyUnavailable
    ? null
    : DenseAmEnergy.create({ numNodes, groups, weights, perSample: spec.hidden.map((h) => h.perSampleBatch !== undefined), recurrent, mode });
  return E.right({
    spec,
    circuit: circuit.right,
    visibleNodes,
    hiddenNodes,
    readoutNodes: Int32Array.from(readout, (i) => visibleNodes[i]),
    clampedNodes: clamped.map((i) => visibleNodes[i]),
    weights,
    energy: energy && E.isRight(energy) ? energy.right : null,
    energyUnavailable: energyUnavailable ?? (energy && E.isLeft(energy) ? energy.left : undefined),
    tauVisible: spec.visible.tau,
    initialState(visible, B) {
      const state = new Float64Array(numNodes * B);
      state.set(visible.subarray(0, Nv * B));
      const g = new Float64Array(Nv * B);
      DenseAmEnergy.activate(spec.visible.activation, spec.visible.beta ?? 1, visible, Nv, B, g);
      spec.hidden.forEach((h, k) => {
        const xi = weights[k];
        const perSample = h.perSampleBatch !== undefined;
        const nodes = hiddenNodes[k];
        for (let m = 0; m < h.size; m++) {
          const row = (nodes[m] - 1) * B;
          for (let b = 0; b < B; b++) {
            let sum = h.bias?.[m] ?? 0;
            for (let i = 0; i < Nv; i++) sum += (perSample ? xi[(m * Nv + i) * B + b] : xi[m * Nv + i]) * g[i * B + b];
            state[row + b] = sum;
          }
        }
      });
      settleAmplifiers(amplifierStages, state, B);
      return state;
    },
  });
}

interface AmplifierStage {
  readonly source: Int32Array;
  readonly target: Int32Array;
  readonly activation: string;
  readonly beta?: number;
}

/** Amplifier outputs start where their inputs put them (at rest): out = act(in). */
function settleAmplifiers(stages: readonly AmplifierStage[], state: Float64Array, B: number): void {
  for (const stage of stages) {
    const M = stage.source.length;
    const x = new Float64Array(M * B);
    for (let m = 0; m < M; m++) x.set(state.subarray((stage.source[m] - 1) * B, stage.source[m] * B), m * B);
    const f = new Float64Array(M * B);
    DenseAmEnergy.activate(stage.activation, stage.beta ?? 1, x, M, B, f);
    for (let m = 0; m < M; m++) state.set(f.subarray(m * B, m * B + B), (stage.target[m] - 1) * B);
  }
}
