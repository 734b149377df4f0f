import { explicitRk } from './explicit-rk';
import type { RkInterpolation } from './interpolation';
import { ButcherTableau } from './tableau';

/**
 * Dormand–Prince 5(4), FSAL, with Shampine's embedded weights b̂ (the ones torchdiffeq and
 * MATLAB's ode45 use; the textbook b̂ gives different step sequences) and the 4th-order dense
 * output through y_mid.
 *
 * J. R. Dormand, P. J. Prince, "A family of embedded Runge–Kutta formulae", J. Comp. Appl. Math. 6
 * (1980) 19–26; L. F. Shampine, "Some practical Runge–Kutta formulas", Math. Comp. 46 (1986) 135–150;
 * coefficients as in torchdiffeq 0.2.5 `_impl/dopri5.py`.
 */
const tableau = ButcherTableau.define('dopri5', {
  c: [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1],
  a: [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
  ],
  b: [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0],
  bHat: [1951 / 21600, 0, 22642 / 50085, 451 / 720, -12231 / 42400, 649 / 6300, 1 / 60],
  order: 5,
  embeddedOrder: 4,
});

/** y_mid = y0 + dt·Σ m_j k_j approximates y(t0 + dt/2); torchdiffeq's DPS_C_MID (halved as there). */
const MID = [
  6025192743 / 30085553152 / 2,
  0,
  51252292925 / 65400821598 / 2,
  -2691868925 / 45128329728 / 2,
  187940372067 / 1594534317056 / 2,
  -1776094331 / 19743644256 / 2,
  11237099 / 235043384 / 2,
];

const midWeights = new Float64Array(7);

/**
 * The quartic through y0, y1, y_mid with end slopes f0 = k1 and f1 = k7 (torchdiffeq's `_interp_fit`
 * and `_interp_evaluate`): p(x) = y0 + d·x + c·x² + b·x³ + a·x⁴, x = (t − t0)/dt.
 */
const midpointQuartic: RkInterpolation = {
  order: 4,
  stageWeights(x, out) {
    // Substituting y1 = y0 + h·Σ b_j k_j and y_mid = y0 + h·Σ m_j k_j into the quartic: the y0 terms of
    // its coefficients cancel, leaving y(x) = y0 + h·Σ_j β_j(x)·k_j.
    const b = tableau.b;
    for (let j = 0; j < 7; j++) {
      const first = j === 0 ? 1 : 0;
      const last = j === 6 ? 1 : 0;
      const a4 = 2 * (last - first) - 8 * b[j] + 16 * MID[j];
      const a3 = 5 * first - 3 * last + 14 * b[j] - 32 * MID[j];
      const a2 = last - 4 * first - 5 * b[j] + 16 * MID[j];
      out[j] = x * (first + x * (a2 + x * (a3 + x * a4)));
    }
  },
  evaluate(x, dt, y0, y1, k, out) {
    const f0 = k[0];
    const f1 = k[6];
    const x2 = x * x;
    const x3 = x2 * x;
    const x4 = x3 * x;
    const m = midWeights;
    for (let j = 0; j < 7; j++) m[j] = dt * MID[j];
    for (let i = 0; i < out.length; i++) {
      let stageSum = 0;
      for (let j = 0; j < 7; j++) if (m[j] !== 0) stageSum += k[j][i] * m[j];
      const yMid = y0[i] + stageSum;
      const a = 2 * dt * (f1[i] - f0[i]) - 8 * (y1[i] + y0[i]) + 16 * yMid;
      const b = dt * (5 * f0[i] - 3 * f1[i]) + 18 * y0[i] + 14 * y1[i] - 32 * yMid;
      const c = dt * (f1[i] - 4 * f0[i]) - 11 * y0[i] - 5 * y1[i] + 16 * yMid;
      const d = dt * f0[i];
      out[i] = y0[i] + x * d + x2 * c + x3 * b + x4 * a;
    }
  },
  check(table) {
    const problems: string[] = [];
    const sum = MID.reduce((s, x) => s + x, 0);
    if (Math.abs(sum - 0.5) > 1e-14) problems.push(`Σ m_j = ${sum}; y_mid at t0 + dt/2 needs 1/2`);
    const second = MID.reduce((s, x, j) => s + x * table.c[j], 0);
    if (Math.abs(second - 0.125) > 1e-14) problems.push(`Σ m_j c_j = ${second}; second order at the midpoint needs 1/8`);
    return problems;
  },
};

export const dopri5 = explicitRk({
  name: 'dopri5',
  aliases: ['dormand-prince', 'Dopri5'],
  description: 'Dormand–Prince 5(4), FSAL, Shampine error weights, 4th-order dense output (torchdiffeq-faithful)',
  citation: 'Dormand & Prince 1980; Shampine 1986; torchdiffeq 0.2.5',
  tableau,
  interpolation: midpointQuartic,
  defaultController: 'torchdiffeq',
});
