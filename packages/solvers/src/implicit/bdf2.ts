import { implicitSolver, type ImplicitMethod } from './implicit-solver';
import { extrapolate, milneEstimate } from './predictor';
import { advanceTrBdf2 } from './tr-bdf2';

/**
 * Variable-step BDF2 is zero-stable only for step ratios below 1 + √2 (Grigorieff 1983); a larger
 * ratio is taken as a one-step TR-BDF2 step instead of being refused.
 */
const MAX_RATIO = 2;

/**
 * Variable-step BDF2 (Gear's method of order 2) with ω = h/hPrev:
 *   y1 − (1 + ω)²/(1 + 2ω)·y0 + ω²/(1 + 2ω)·yPrev = h·(1 + ω)/(1 + 2ω)·f(t1, y1),
 * L-stable. Its local error is E_C·h³·y''' with E_C = −(1 + ω)²/(6ω(1 + 2ω)); against the quadratic
 * predictor (E_P = (1 + ω)/(6ω)) Milne's device gives the estimate −(1 + ω)/(2 + 3ω)·(y1 − y_P)
 * (−2/5 at constant steps). BDF2 needs a previous step: the first step of a solve is TR-BDF2, also
 * L-stable and second order, with its own embedded estimate.
 */
export const bdf2Method: ImplicitMethod = {
  name: 'bdf2',
  aliases: ['gear2', 'BDF2'],
  description: 'variable-step BDF2 (Gear-2): order 2, L-stable, predictor–corrector error estimate, TR-BDF2 start',
  citation: 'Hairer & Wanner, Solving ODEs II, §III.1 and §V.1; Hairer, Nørsett & Wanner, Solving ODEs I, §III.5',
  order: 2,
  errorOrder: 2,
  denseOrder: 2,
  // Per-step error control: the global error is about (steps)·tol/2, ~1300·tol at 1e-8 on the suite's problems.
  tolerance: { orderSlack: 0.2, errorPerTolerance: 3000 },
  advance(s, ws) {
    const omega = s.hPrev === 0 ? 0 : s.h / s.hPrev;
    if (s.hPrev === 0 || omega > MAX_RATIO) return advanceTrBdf2(s, ws);
    const { h, y0, y1, f1, yPrev } = s;
    const { psi, guess } = ws;
    const a = (1 + omega) ** 2 / (1 + 2 * omega);
    const b = omega ** 2 / (1 + 2 * omega);
    const c = (h * (1 + omega)) / (1 + 2 * omega);
    for (let i = 0; i < y0.length; i++) psi[i] = a * y0[i] - b * yPrev[i];
    extrapolate(s, guess);
    if (!ws.newton.solve(s.t1, c, psi, guess, y1)) return false;
    for (let i = 0; i < y0.length; i++) f1[i] = (y1[i] - psi[i]) / c;
    milneEstimate(-(1 + omega) / (2 + 3 * omega), y1, guess, s.yError);
    return true;
  },
};

export const bdf2 = implicitSolver(bdf2Method);
