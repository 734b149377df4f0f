import { KclDynamics } from '../dynamics/kcl-dynamics';
import { KirchhoffError } from '../errors';
import type { SolverSetup } from '../ode/config';
import type { SolveStats } from '../ode/solution';
import { solve } from '../ode/solve';
import type { DenseAmModel } from './dense-am';

/**
 * Inference as relaxation: integrate a DenseAM from its input, evaluating the energy at every accepted
 * step (its largest increase per sample is the non-increase check) and recording the readout nodes for
 * the settling time.
 */
export interface RelaxRequest {
  readonly setup: SolverSetup;
  /** Visible voltages (N_v × B, batch innermost): the input; clamped units keep it. */
  readonly visible: Float64Array;
  readonly batch: number;
  /** End time (model units; τ_v sets the scale). */
  readonly t1: number;
  /** Most trajectory records kept (accepted steps are decimated to fit). Default 4000. */
  readonly maxRecords?: number;
}

export interface RelaxTrajectory {
  readonly times: number[];
  /** Per record: the readout nodes' voltages, R × B. */
  readonly values: Float64Array[];
}

export interface RelaxResult {
  readonly final: Float64Array;
  /** Readout voltages at t1, R × B. */
  readonly readout: Float64Array;
  readonly stats: SolveStats;
  readonly trajectory: RelaxTrajectory;
  /** Per sample: E(0), E(t1), the largest increase between accepted steps (≤ 0 when E never rose). */
  readonly energy: { readonly initial: Float64Array; readonly final: Float64Array; readonly maxIncrease: Float64Array; readonly steps: number } | null;
}

export function relaxDenseAm(model: DenseAmModel, request: RelaxRequest): RelaxResult {
  const B = request.batch;
  const Nv = model.visibleNodes.length;
  if (request.visible.length !== Nv * B) throw new KirchhoffError('input-size', `expected ${Nv} visible values × ${B} samples, got ${request.visible.length}`);
  const term = new KclDynamics(model.circuit, B);
  const y0 = model.initialState(request.visible, B);
  const R = model.readoutNodes.length;
  const readoutOf = (y: Float64Array) => {
    const out = new Float64Array(R * B);
    model.readoutNodes.forEach((n, r) => out.set(y.subarray((n - 1) * B, n * B), r * B));
    return out;
  };
  const energy = model.energy;
  const previous = new Float64Array(B);
  const current = new Float64Array(B);
  const initial = new Float64Array(B);
  const maxIncrease = new Float64Array(B).fill(-Infinity);
  if (energy) {
    energy.evaluate(y0, B, initial);
    previous.set(initial);
  }
  // Records are thinned as they come: past 2·maxRecords every other one is dropped and the stride
  // doubles, so memory stays bounded (N = 1024 over 5000 steps would otherwise keep 160 MB).
  const max = request.maxRecords ?? 4000;
  let kept: { t: number; v: Float64Array }[] = [{ t: 0, v: readoutOf(y0) }];
  let stride = 1;
  let steps = 0;
  let last: { t: number; y: Float64Array } = { t: 0, y: y0 };
  const solution = solve(term, request.setup.solver, {
    ...request.setup.options,
    t0: 0,
    t1: request.t1,
    y0,
    onStep: (step) => {
      steps++;
      last = { t: step.t1, y: step.y1 };
      if (steps % stride === 0) kept.push({ t: step.t1, v: readoutOf(step.y1) });
      if (kept.length > 2 * max) {
        kept = kept.filter((_, i) => i % 2 === 0);
        stride *= 2;
      }
      if (energy) {
        energy.evaluate(step.y1, B, current);
        for (let b = 0; b < B; b++) {
          maxIncrease[b] = Math.max(maxIncrease[b], current[b] - previous[b]);
          previous[b] = current[b];
        }
      }
    },
  });
  if (kept[kept.length - 1].t !== last.t) kept.push({ t: last.t, v: readoutOf(solution.yFinal) });
  return {
    final: solution.yFinal,
    readout: readoutOf(solution.yFinal),
    stats: solution.stats,
    trajectory: { times: kept.map((r) => r.t), values: kept.map((r) => r.v) },
    energy: energy ? { initial, final: previous.slice(), maxIncrease, steps } : null,
  };
}

/**
 * Settling time per sample: the first time after which max_r |v_r(t) − v_r(t_end)| stays ≤ tolerance
 * (absolute, in volts; DenseAM states are O(1), so 0.01 is the reference's "1%"), interpolated linearly
 * between records, divided by τ to give units of τ. A sample that never leaves the band settles at 0.
 */
export function settlingTime(trajectory: RelaxTrajectory, batch: number, tolerance: number, tau = 1): Float64Array {
  const { times, values } = trajectory;
  const last = values[values.length - 1];
  const R = last.length / batch;
  const deviation = (k: number, b: number) => {
    let worst = 0;
    for (let r = 0; r < R; r++) worst = Math.max(worst, Math.abs(values[k][r * batch + b] - last[r * batch + b]));
    return worst;
  };
  const out = new Float64Array(batch);
  for (let b = 0; b < batch; b++) {
    let k = values.length - 1;
    while (k > 0 && deviation(k - 1, b) <= tolerance) k--;
    if (k === 0) continue;
    // The band is crossed between records k − 1 (outside) and k (inside).
    const d0 = deviation(k - 1, b);
    const d1 = deviation(k, b);
    const s = d0 === d1 ? 1 : (d0 - tolerance) / (d0 - d1);
    out[b] = (times[k - 1] + s * (times[k] - times[k - 1])) / tau;
  }
  return out;
}
