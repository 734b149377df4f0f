import type { BranchGroup } from '../circuit/circuit';
import { KirchhoffError } from '../errors';
import { perturbMultiplicative, quantizeSymmetric, drawNoise, type NoiseDistribution } from '../random/perturb';
import type { Rng } from '../random/rng';
import type { Network } from '../train/network';

/*
 * Non-idealities applied to a built network in place. A network's compiled kernels, worker threads and
 * shared parameter buffers cost far more to build than one evaluation of a small model, so an analysis
 * builds the network once, keeps a pristine copy of what it perturbs, and rewrites the live arrays from
 * that copy for every (setting, seed). Every operation starts from the pristine values, so settings never
 * compound and `restoreNetwork` gives back the exact network that was captured.
 */

/** Copies of every group's P×E parameters (in `network.params` order) and every slice's capacitances. */
export interface NetworkSnapshot {
  readonly params: readonly Float64Array[];
  /** Per slice, C of nodes 1..N. */
  readonly capacitance: readonly Float64Array[];
}

/** Whether parameter row `row` of `group` takes part in a perturbation. */
export type ParamRowFilter = (group: BranchGroup, row: number) => boolean;

/** Rows that exist physically: all but the ones a branch type marks `unused` (padding in the original's layout). */
export const usedParamRows: ParamRowFilter = (group, row) => group.type.definition.meta.params[row]?.unused !== true;

/** One named row of every branch type that has it, e.g. `theta1` (a ShiftRelu1 branch's scale). */
export const namedParamRow =
  (name: string): ParamRowFilter =>
  (group, row) =>
    group.type.definition.meta.params[row]?.name === name;

export function snapshotNetwork(network: Network): NetworkSnapshot {
  return {
    params: network.params.map((p) => Float64Array.from(p)),
    capacitance: network.model.slices.map((s) => Float64Array.from(s.circuit.capacitance)),
  };
}

export function restoreNetwork(network: Network, snapshot: NetworkSnapshot): void {
  network.params.forEach((p, g) => p.set(snapshot.params[g]));
  network.model.slices.forEach((s, i) => s.circuit.capacitance.set(snapshot.capacitance[i]));
}

const groupsOf = (network: Network): BranchGroup[] => network.model.slices.flatMap((s) => s.circuit.groups);

/** Calls `visit(group, g, from, to)` for every selected row, groups slice by slice, rows in order. */
function forSelectedRows(network: Network, select: ParamRowFilter, visit: (g: number, from: number, to: number) => void): number {
  let rows = 0;
  groupsOf(network).forEach((group, g) => {
    const P = group.params.length / Math.max(1, group.size);
    for (let k = 0; k < P; k++) {
      if (!select(group, k)) continue;
      visit(g, k * group.size, (k + 1) * group.size);
      rows++;
    }
  });
  return rows;
}

/**
 * Device mismatch: θ ← θ₀·(1 + σ·n) for every entry of the selected rows, n drawn from `distribution`
 * (unit variance) in group, row, edge order; the other rows keep their pristine values. Returns the
 * number of rows perturbed.
 */
export function perturbParameters(
  network: Network,
  snapshot: NetworkSnapshot,
  sigma: number,
  distribution: NoiseDistribution,
  rng: Rng,
  select: ParamRowFilter = usedParamRows,
): number {
  restoreNetwork(network, snapshot);
  return forSelectedRows(network, select, (g, from, to) => perturbMultiplicative(snapshot.params[g], network.params[g], sigma, distribution, rng, from, to));
}

/**
 * A conductance DAC of `bits` bits per parameter row and slice: each selected row is quantised over its
 * own symmetric range [−max|θ|, max|θ|] (`quantizeSymmetric`), as a row of one device parameter in one
 * layer would share one DAC reference. Returns the number of rows quantised.
 */
export function quantizeParameters(network: Network, snapshot: NetworkSnapshot, bits: number, select: ParamRowFilter = usedParamRows): number {
  restoreNetwork(network, snapshot);
  return forSelectedRows(network, select, (g, from, to) => quantizeSymmetric(snapshot.params[g], network.params[g], bits, from, to));
}

/**
 * Capacitor mismatch: C_n ← C₀_n·max(1 + σ·n_n, floor), one draw per node (nodes 1..N in order) shared by
 * every slice, since the slices are one circuit's capacitors over successive time windows. The floor keeps
 * a capacitor positive where a wide draw would make it vanish or turn negative (a non-physical circuit,
 * and an ODE the solver cannot integrate); nodes without capacitance (C₀ = 0) stay algebraic. Returns how
 * many nodes were held at the floor.
 */
export function perturbCapacitance(
  network: Network,
  snapshot: NetworkSnapshot,
  sigma: number,
  distribution: NoiseDistribution,
  rng: Rng,
  floor: number,
): number {
  if (!(floor > 0)) throw new KirchhoffError('invalid-capacitance-floor', `the capacitance floor must be > 0, got ${floor}`);
  restoreNetwork(network, snapshot);
  const N = network.model.numNodes;
  let clipped = 0;
  const factors = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    const factor = 1 + sigma * drawNoise(distribution, rng);
    if (factor < floor) clipped++;
    factors[n] = Math.max(factor, floor);
  }
  network.model.slices.forEach((s, i) => {
    const pristine = snapshot.capacitance[i];
    for (let n = 0; n < N; n++) s.circuit.capacitance[n] = pristine[n] * factors[n];
  });
  return clipped;
}

/**
 * A parasitic capacitance to ground added to every node: C_n ← C₀_n + extra. Nodes without capacitance
 * gain one too (a real node always has some), so with extra > 0 the circuit has no algebraic nodes.
 */
export function addCapacitance(network: Network, snapshot: NetworkSnapshot, extra: number): void {
  if (!(extra >= 0) || !Number.isFinite(extra)) throw new KirchhoffError('negative-capacitance', `a parasitic capacitance must be a finite number ≥ 0, got ${extra}`);
  restoreNetwork(network, snapshot);
  network.model.slices.forEach((s, i) => {
    const pristine = snapshot.capacitance[i];
    for (let n = 0; n < pristine.length; n++) s.circuit.capacitance[n] = pristine[n] + extra;
  });
}

/**
 * The same network read out at T + delta: the last slice runs for its duration + delta (the earlier slices
 * are unchanged). The circuits, and so the parameters and kernels, are shared with `network`.
 */
export function withReadoutDelay(network: Network, delta: number): Network {
  const slices = network.model.slices;
  const last = slices[slices.length - 1];
  const duration = last.duration + delta;
  if (!(duration > 0) || !Number.isFinite(duration)) {
    throw new KirchhoffError('invalid-duration', `reading at T ${delta < 0 ? '−' : '+'} ${Math.abs(delta)} leaves the last slice a duration of ${duration}; it must stay > 0`);
  }
  return { ...network, model: { ...network.model, slices: [...slices.slice(0, -1), { ...last, duration }] } };
}
