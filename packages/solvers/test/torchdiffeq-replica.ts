/**
 * A second, deliberately naive transcription of torchdiffeq 0.2.5's dopri5 driver (rk_common.py,
 * misc.py, interp.py, dopri5.py) on plain number arrays, used as the oracle for the torchdiffeq
 * controller tests. It shares no code with the solvers package: the coefficients are retyped from
 * dopri5.py's `_DORMAND_PRINCE_SHAMPINE_TABLEAU` and `DPS_C_MID`.
 */

type Field = (t: number, y: number[]) => number[];

const ALPHA = [1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1];
const BETA = [
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
const C_ERROR = [
  35 / 384 - 1951 / 21600,
  0,
  500 / 1113 - 22642 / 50085,
  125 / 192 - 451 / 720,
  -2187 / 6784 - -12231 / 42400,
  11 / 84 - 649 / 6300,
  -1 / 60,
];
const MID = [
  6025192743 / 30085553152 / 2,
  0,
  51252292925 / 65400821598 / 2,
  -2691868925 / 45128329728 / 2,
  187940372067 / 1594534317056 / 2,
  -1776094331 / 19743644256 / 2,
  11237099 / 235043384 / 2,
];
const ORDER = 5;

const rms = (v: number[]): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
const dot = (k: number[][], w: number[], i: number): number => w.reduce((s, wj, j) => s + k[j][i] * wj, 0);

export interface ReplicaOptions {
  readonly rtol: number;
  readonly atol: number;
  readonly firstStep?: number;
  readonly minStep?: number;
  readonly maxStep?: number;
}

export interface ReplicaStep {
  readonly t0: number;
  readonly dt: number;
  readonly ratio: number;
  readonly accepted: boolean;
}

export interface ReplicaResult {
  readonly outputs: number[][];
  readonly nfe: number;
  readonly steps: ReplicaStep[];
}

/**
 * odeint(func, y0, [t0, ...times], method='dopri5') for increasing times. Reverse time is the
 * caller's business, exactly as in torchdiffeq: negate t and f.
 */
export function torchdiffeqDopri5(field: Field, t0: number, y0: number[], times: number[], options: ReplicaOptions): ReplicaResult {
  let nfe = 0;
  const f: Field = (t, y) => {
    nfe++;
    return field(t, y);
  };
  const { rtol, atol } = options;
  const minStep = options.minStep ?? 0;
  const maxStep = options.maxStep ?? Infinity;
  const steps: ReplicaStep[] = [];

  let f0 = f(t0, y0);
  let dt = options.firstStep ?? selectInitialStep(f, t0, y0, f0, rtol, atol);
  let t = t0;
  let y = y0;
  let coefficients: { t0: number; t1: number; c: number[][] } | undefined;
  const outputs: number[][] = [];
  for (const next of times) {
    while (next > t) {
      if (!Number.isFinite(dt)) dt = minStep;
      dt = Math.min(Math.max(dt, minStep), maxStep);
      const t1 = t + dt;
      if (!(t1 > t)) throw new Error(`underflow in dt ${dt}`);
      const k: number[][] = [f0];
      let yi = y;
      ALPHA.forEach((alpha, i) => {
        const ti = alpha === 1 ? t1 : t + alpha * dt;
        const w = BETA[i].map((b) => b * dt);
        yi = y.map((y0i, m) => y0i + dot(k, w, m));
        k.push(f(ti, yi));
      });
      const y1 = yi;
      const errorW = C_ERROR.map((c) => dt * c);
      const error = y.map((_, m) => dot(k, errorW, m));
      const ratio = rms(error.map((e, m) => e / (atol + rtol * Math.max(Math.abs(y[m]), Math.abs(y1[m])))));
      let accept = ratio <= 1;
      if (dt > maxStep) accept = false;
      if (dt <= minStep) accept = true;
      steps.push({ t0: t, dt, ratio, accepted: accept });
      if (accept) {
        const midW = MID.map((m) => dt * m);
        const f1 = k[6];
        const c = y.map((y0m, m) => {
          const yMid = y0m + dot(k, midW, m);
          const y1m = y1[m];
          const a = 2 * dt * (f1[m] - f0[m]) - 8 * (y1m + y0m) + 16 * yMid;
          const b = dt * (5 * f0[m] - 3 * f1[m]) + 18 * y0m + 14 * y1m - 32 * yMid;
          const cc = dt * (f1[m] - 4 * f0[m]) - 11 * y0m - 5 * y1m + 16 * yMid;
          return [y0m, dt * f0[m], cc, b, a];
        });
        coefficients = { t0: t, t1, c };
        t = t1;
        y = y1;
        f0 = f1;
      }
      dt = optimalStepSize(dt, ratio);
      dt = Math.min(Math.max(dt, minStep), maxStep);
    }
    const { t0: a, t1: b, c } = coefficients!;
    const x = (next - a) / (b - a);
    outputs.push(c.map(([e, d, cc, bb, aa]) => e + x * d + x * x * cc + x * x * x * bb + x * x * x * x * aa));
  }
  return { outputs, nfe, steps };

  function optimalStepSize(last: number, ratio: number): number {
    if (ratio === 0) return last * 10;
    const dfactor = ratio < 1 ? 1 : 0.2;
    return last * Math.min(10, Math.max(0.9 / ratio ** (1 / ORDER), dfactor));
  }
}

function selectInitialStep(f: Field, t0: number, y0: number[], f0: number[], rtol: number, atol: number): number {
  const scale = y0.map((v) => atol + Math.abs(v) * rtol);
  const d0 = rms(y0.map((v, i) => v / scale[i]));
  const d1 = rms(f0.map((v, i) => v / scale[i]));
  const h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
  const y1 = y0.map((v, i) => v + h0 * f0[i]);
  const f1 = f(t0 + h0, y1);
  const d2 = rms(f1.map((v, i) => (v - f0[i]) / scale[i])) / h0;
  const h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / Math.max(d1, d2)) ** (1 / (ORDER - 1 + 1));
  return Math.min(100 * h0, h1);
}
