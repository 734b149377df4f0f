import { gridChart, lineChart, type ChartSpec } from './charts';

/** One model size of the DenseAM scaling experiment (scripts/bench/denseam-scaling.ts). */
export interface DenseAmScalingRow {
  readonly n: number;
  /** Median settling time over the probes, units of τ_v. */
  readonly settlingTau: number;
  /** Euler steps to the settling time, and vector-field evaluations over the whole run. */
  readonly stepsToSettle: number;
  /** Multiply–adds per evaluation (2·N_v·N_h for the two crossbars). */
  readonly workPerEvaluation: number;
  readonly recalled: number;
  readonly probes: number;
}

/**
 * Two panels over N: the analog settling time in τ_v (flat: set by RC constants) and the digital cost of
 * simulating the same relaxation, steps to settle × work per evaluation (growing as N²).
 */
export function denseamScalingChart(rows: readonly DenseAmScalingRow[]): ChartSpec {
  const lo = Math.min(...rows.map((r) => r.n));
  const hi = Math.max(...rows.map((r) => r.n));
  const x = { title: 'memories N (= visible units)', scale: 'log' as const, domain: [lo / 1.5, hi * 1.5] as const, format: '~s' };
  return gridChart(
    [
      lineChart({
        title: 'Analog settling time',
        x,
        y: { title: 'settling time (τ_v), |v − v(T)| ≤ 0.01', zero: true },
        series: [{ name: 'settling', points: rows.map((r) => ({ x: r.n, y: r.settlingTau })), markers: true }],
        width: 320,
        height: 220,
      }),
      lineChart({
        title: 'Digital cost of the same relaxation',
        x,
        y: { title: 'multiply–adds to settle (Euler)', scale: 'log', format: '~s' },
        series: [{ name: 'cost', points: rows.map((r) => ({ x: r.n, y: r.stepsToSettle * r.workPerEvaluation })), markers: true }],
        width: 320,
        height: 220,
      }),
    ],
    { columns: 2, title: 'DenseAM relaxation: constant in τ, quadratic in digital work', subtitle: 'random ±1 memories, β = 1, softmax, τ_h = 0.1 τ_v, 10% of bits flipped, Euler dt = 2e-3 τ_v' },
  );
}
