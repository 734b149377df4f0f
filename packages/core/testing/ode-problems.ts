import type { OdeTerm } from '../src/ode/term';

/**
 * A test ODE with a closed-form solution. The state uses the OdeTerm layout (row-major, batch
 * innermost) and every sample of the batch starts from a different y0, so batch layout bugs show.
 */
export interface OdeProblem {
  readonly name: string;
  readonly description: string;
  readonly term: OdeTerm;
  readonly t0: number;
  readonly t1: number;
  readonly y0: Float64Array;
  /** The exact flow: writes y(tTo) for the solution with y(tFrom) = yFrom into `out`. */
  flow(tFrom: number, yFrom: Float64Array, tTo: number, out: Float64Array): void;
  /** The exact solution through (t0, y0), freshly allocated. */
  exact(t: number): Float64Array;
}

export interface ProblemOptions {
  /** Samples in the batch (default 3). */
  readonly batch?: number;
}

interface ProblemSpec {
  readonly name: string;
  readonly description: string;
  readonly rows: number;
  readonly t0: number;
  readonly t1: number;
  /** Row r of sample s at t0. */
  initial(row: number, sample: number): number;
  /** dy/dt of one sample, whose rows sit at y[offset + r·stride]. */
  field(t: number, y: Float64Array, out: Float64Array, offset: number, stride: number): void;
  /** The exact flow of one sample, same addressing. */
  sampleFlow(tFrom: number, yFrom: Float64Array, tTo: number, out: Float64Array, offset: number, stride: number): void;
}

function defineProblem(spec: ProblemSpec, batch: number): OdeProblem {
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`batch must be a positive whole number, got ${batch}`);
  const term = problemTerm(spec, batch);
  const y0 = new Float64Array(spec.rows * batch);
  for (let r = 0; r < spec.rows; r++) for (let s = 0; s < batch; s++) y0[r * batch + s] = spec.initial(r, s);
  const flow = (tFrom: number, yFrom: Float64Array, tTo: number, out: Float64Array): void => {
    for (let s = 0; s < batch; s++) spec.sampleFlow(tFrom, yFrom, tTo, out, s, batch);
  };
  return {
    name: spec.name,
    description: spec.description,
    term,
    t0: spec.t0,
    t1: spec.t1,
    y0,
    flow,
    exact(t) {
      const out = new Float64Array(y0.length);
      flow(spec.t0, y0, t, out);
      return out;
    },
  };
}

function problemTerm(spec: ProblemSpec, batch: number): OdeTerm {
  return {
    size: spec.rows * batch,
    batch,
    vf(t, y, out) {
      for (let s = 0; s < batch; s++) spec.field(t, y, out, s, batch);
    },
    withBatch: (b) => problemTerm(spec, b),
    describeIndex: (i) => `${spec.name} row ${Math.floor(i / batch)} (sample ${i % batch})`,
  };
}

const ALPHA = 0.3;
const OMEGA = 2;
const LAMBDA = 1.5;

/**
 * dy/dt = A·y with A = [[−α, ω, 0], [−ω, −α, 0], [0, 0, −λ]]: a damped rotation plus a decaying mode.
 * Exact: y(t) = exp(A(t − s))·y(s), a rotation by ω(t − s) scaled by e^(−α(t − s)), and e^(−λ(t − s)).
 */
export function createLinearRotationProblem(options: ProblemOptions = {}): OdeProblem {
  return defineProblem(
    {
      name: 'linear-rotation',
      description: 'dy/dt = A·y: damped rotation (α = 0.3, ω = 2) plus a decaying mode (λ = 1.5)',
      rows: 3,
      t0: 0,
      t1: 1.5,
      initial: (r, s) => [1 + 0.5 * s, -0.5 + 0.25 * s, 2 - 0.7 * s][r],
      field(_t, y, out, o, n) {
        const a = y[o];
        const b = y[o + n];
        out[o] = -ALPHA * a + OMEGA * b;
        out[o + n] = -OMEGA * a - ALPHA * b;
        out[o + 2 * n] = -LAMBDA * y[o + 2 * n];
      },
      sampleFlow(tFrom, yFrom, tTo, out, o, n) {
        const tau = tTo - tFrom;
        const decay = Math.exp(-ALPHA * tau);
        const c = Math.cos(OMEGA * tau);
        const s = Math.sin(OMEGA * tau);
        const a = yFrom[o];
        const b = yFrom[o + n];
        out[o] = decay * (c * a + s * b);
        out[o + n] = decay * (-s * a + c * b);
        out[o + 2 * n] = Math.exp(-LAMBDA * tau) * yFrom[o + 2 * n];
      },
    },
    options.batch ?? 3,
  );
}

const CAPACITY = 2;
const growthIntegral = (t: number): number => t + 0.5 * Math.sin(t);

/**
 * The logistic equation with a time-varying rate, nonlinear and non-autonomous:
 * dy/dt = r(t)·y·(1 − y/K), r(t) = 1 + ½cos t, K = 2. With R(t) = t + ½sin t,
 * y(t) = K / (1 + (K/y(s) − 1)·e^(−(R(t) − R(s)))).
 */
export function createLogisticProblem(options: ProblemOptions = {}): OdeProblem {
  return defineProblem(
    {
      name: 'logistic',
      description: 'dy/dt = (1 + ½cos t)·y·(1 − y/2), nonlinear and time-dependent',
      rows: 1,
      t0: 0,
      t1: 3,
      initial: (_r, s) => [0.1, 0.5, 1.5, 3, 0.9][s % 5],
      field(t, y, out, o) {
        out[o] = (1 + 0.5 * Math.cos(t)) * y[o] * (1 - y[o] / CAPACITY);
      },
      sampleFlow(tFrom, yFrom, tTo, out, o) {
        const growth = Math.exp(-(growthIntegral(tTo) - growthIntegral(tFrom)));
        out[o] = CAPACITY / (1 + (CAPACITY / yFrom[o] - 1) * growth);
      },
    },
    options.batch ?? 3,
  );
}

/** dy/dt = −y³, smooth and nonlinear: y(t) = y(s) / √(1 + 2·y(s)²·(t − s)). */
export function createCubicDecayProblem(options: ProblemOptions = {}): OdeProblem {
  return defineProblem(
    {
      name: 'cubic-decay',
      description: 'dy/dt = −y³',
      rows: 1,
      t0: 0,
      t1: 2,
      initial: (_r, s) => [1, -0.5, 2, 0.25][s % 4],
      field(_t, y, out, o) {
        out[o] = -y[o] * y[o] * y[o];
      },
      sampleFlow(tFrom, yFrom, tTo, out, o) {
        const y = yFrom[o];
        out[o] = y / Math.sqrt(1 + 2 * y * y * (tTo - tFrom));
      },
    },
    options.batch ?? 3,
  );
}
