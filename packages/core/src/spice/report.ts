import { KirchhoffError } from '../errors';

/** Node voltages over time: states[i][n − 1] is node n at times[i] (model units, any consistent units). */
export interface Trajectory {
  readonly times: ArrayLike<number>;
  readonly states: readonly ArrayLike<number>[];
}

export interface NodeRange {
  readonly node: number;
  readonly min: number;
  readonly max: number;
}

export interface Extreme {
  readonly node: number;
  readonly value: number;
  readonly time: number;
}

export interface SettlingTime {
  readonly slice: number;
  readonly t0: number;
  readonly t1: number;
  /** First time after which every readout stays within its band of its value at t1 (absolute time). */
  readonly time: number;
  /** (time − t0) / (t1 − t0). */
  readonly fraction: number;
  /** The readout node that settles last. */
  readonly node: number;
  /** Its band: tolerance × its largest excursion from its final value over the slice. */
  readonly band: number;
  /**
   * The largest |dv/dt| of a readout at t1 (over the last sample interval): a readout still moving at the
   * end of the slice has not settled, whatever the band says.
   */
  readonly finalSlope: number;
}

export interface VoltageReport {
  /** Every node's lowest and highest voltage over the trajectory. */
  readonly ranges: readonly NodeRange[];
  readonly lowest: Extreme;
  readonly highest: Extreme;
  readonly readoutNodes: readonly number[];
  /** Relative settling tolerance. */
  readonly tolerance: number;
  readonly settling: readonly SettlingTime[];
}

export interface VoltageReportOptions {
  /** Slice boundaries [t0, t1], in the trajectory's time units; default one slice over all times. */
  readonly slices?: readonly { readonly t0: number; readonly t1: number }[];
  /** Nodes whose settling is measured; default every node. */
  readonly readoutNodes?: readonly number[];
  /** Band as a fraction of each readout's largest excursion from its final value (default 0.01). */
  readonly tolerance?: number;
}

/**
 * Ranges and settling times of a trajectory.
 *
 * Settling, per slice [t0, t1] and readout node r with final value v_r(t1): the band is
 * b_r = tolerance · max over the slice of |v_r(t) − v_r(t1)| (the classical "within x% of the step"
 * measure, the step being the largest excursion from the final value). The slice's settling time is the
 * first time s such that |v_r(t) − v_r(t1)| ≤ b_r for every readout r and every t in [s, t1]; between
 * samples, the crossing is interpolated linearly. A readout that never leaves its final value settles at t0.
 */
export function voltageReport(trajectory: Trajectory, options: VoltageReportOptions = {}): VoltageReport {
  const { times, states } = trajectory;
  if (times.length === 0 || states.length !== times.length) throw new KirchhoffError('invalid-trajectory', `${times.length} times but ${states.length} states`);
  const N = states[0].length;
  const ranges: NodeRange[] = Array.from({ length: N }, (_, i) => ({ node: i + 1, min: Infinity, max: -Infinity }));
  let lowest: Extreme = { node: 1, value: Infinity, time: 0 };
  let highest: Extreme = { node: 1, value: -Infinity, time: 0 };
  states.forEach((state, i) => {
    for (let n = 0; n < N; n++) {
      const v = state[n];
      const r = ranges[n] as { node: number; min: number; max: number };
      if (v < r.min) r.min = v;
      if (v > r.max) r.max = v;
      if (v < lowest.value) lowest = { node: n + 1, value: v, time: times[i] };
      if (v > highest.value) highest = { node: n + 1, value: v, time: times[i] };
    }
  });
  const tolerance = options.tolerance ?? 0.01;
  if (!(tolerance > 0 && tolerance < 1)) throw new KirchhoffError('invalid-tolerance', `the settling tolerance must be in (0, 1), got ${tolerance}`);
  const readoutNodes = options.readoutNodes ?? ranges.map((r) => r.node);
  const slices = options.slices ?? [{ t0: times[0], t1: times[times.length - 1] }];
  const settling = slices.map(({ t0, t1 }, k) => settle(times, states, readoutNodes, tolerance, t0, t1, k));
  return { ranges, lowest, highest, readoutNodes, tolerance, settling };
}

function settle(times: ArrayLike<number>, states: readonly ArrayLike<number>[], nodes: readonly number[], tolerance: number, t0: number, t1: number, slice: number): SettlingTime {
  // Samples of this slice; a boundary sample belongs to both neighbours. Rounding slack on the ends.
  const slack = 1e-12 * Math.max(1, Math.abs(t1));
  const indices: number[] = [];
  for (let i = 0; i < times.length; i++) if (times[i] >= t0 - slack && times[i] <= t1 + slack) indices.push(i);
  if (indices.length === 0) throw new KirchhoffError('invalid-trajectory', `no samples in slice ${slice} [${t0}, ${t1}]`);
  const last = indices[indices.length - 1];
  let time = -Infinity;
  let node = nodes[0];
  let band = 0;
  for (const n of nodes) {
    const final = states[last][n - 1];
    const deviation = (i: number) => Math.abs(states[i][n - 1] - final);
    const excursion = Math.max(...indices.map(deviation));
    const b = tolerance * excursion;
    let settledAt = Math.max(t0, times[indices[0]]);
    for (let j = indices.length - 2; j >= 0; j--) {
      const i = indices[j];
      const d = deviation(i);
      if (d > b) {
        const next = indices[j + 1];
        const dNext = deviation(next);
        // The deviation falls from d > b at t_i to dNext ≤ b at t_next: where it crosses b.
        settledAt = times[i] + ((times[next] - times[i]) * (d - b)) / (d - dNext);
        break;
      }
    }
    if (settledAt > time) {
      time = settledAt;
      node = n;
      band = b;
    }
  }
  time = Math.max(time, t0);
  const before = indices.length > 1 ? indices[indices.length - 2] : last;
  const dt = times[last] - times[before];
  const finalSlope = dt > 0 ? Math.max(...nodes.map((n) => Math.abs(states[last][n - 1] - states[before][n - 1]) / dt)) : 0;
  return { slice, t0, t1, time, fraction: (time - t0) / (t1 - t0), node, band, finalSlope };
}
