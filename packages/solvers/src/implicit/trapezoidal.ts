import { implicitSolver, type ImplicitMethod, type ImplicitStep } from './implicit-solver';
import { extrapolate, milneEstimate } from './predictor';
import { advanceTrBdf2 } from './tr-bdf2';

/**
 * Successive predictor misses more anti-parallel than this (cosine below −0.5) count as ringing:
 * an undamped stiff mode flips sign every step, while smooth truncation errors keep their direction.
 */
const RINGING_CORRELATION = 0.5;

/**
 * The trapezoidal rule, y1 = y0 + (h/2)·(f0 + f1): order 2, A-stable but not L-stable — a stiff
 * component is multiplied by R(hλ) → −1 per step, so anything that disturbs it rings instead of
 * decaying. Safeguards against that ringing:
 * - the first step of every solve, where initial layers sit, is an L-stable TR-BDF2 step;
 * - the error estimate (Milne's device against the quadratic predictor through the last two states)
 *   sees an alternating component as a large error, so the controller rejects the step;
 * - when the predictor misses on alternate sides in two successive steps (a ringing mode whose
 *   amplitude the controller has accepted, which would otherwise pin the step size), and when a step is
 *   retried after a rejection, the next step is a TR-BDF2 step, which damps the ringing (SPICE falls back
 *   to backward Euler instead, losing an order).
 * With E_TR = −1/12 and the predictor's E_P = (1 + ω)/(6ω), ω = h/hPrev, the estimate is
 * −ω/(2 + 3ω)·(y1 − y_P).
 */
export const trapezoidalMethod: ImplicitMethod = {
  name: 'trapezoidal',
  aliases: ['trapezoid', 'crank-nicolson', 'Trapezoidal'],
  description: 'trapezoidal rule: order 2, A-stable, with TR-BDF2 start and retry steps against ringing',
  citation: 'Hairer & Wanner, Solving ODEs II, §IV.3; ringing and its remedies: Hosea & Shampine, Appl. Numer. Math. 20 (1996) 21–37',
  order: 2,
  errorOrder: 2,
  denseOrder: 2,
  // Per-step error control: the global error is about (steps)·tol/2, ~1300·tol at 1e-8 on the suite's problems.
  tolerance: { orderSlack: 0.2, errorPerTolerance: 3000 },
  advance(s, ws) {
    const { h, y0, f0, y1, f1, memory, nextMemory } = s;
    if (s.hPrev === 0 || s.retry || s.flagged) {
      nextMemory.fill(0);
      return advanceTrBdf2(s, ws);
    }
    const { psi, guess } = ws;
    const c = h / 2;
    for (let i = 0; i < y0.length; i++) psi[i] = y0[i] + c * f0[i];
    extrapolate(s, guess);
    if (!ws.newton.solve(s.t1, c, psi, guess, y1)) return false;
    let turn = 0;
    let now = 0;
    let before = 0;
    for (let i = 0; i < y0.length; i++) {
      f1[i] = (y1[i] - psi[i]) / c;
      const d = y1[i] - guess[i];
      nextMemory[i] = d;
      turn += d * memory[i];
      now += d * d;
      before += memory[i] * memory[i];
    }
    // Ringing makes the predictor miss on alternate sides from step to step; a smooth error does not.
    s.nextFlagged = turn < -RINGING_CORRELATION * Math.sqrt(now * before);
    const omega = h / s.hPrev;
    if (ws.algebraic.length > 0) algebraicDerivative(s, omega, ws.algebraic);
    milneEstimate(-omega / (2 + 3 * omega), y1, guess, s.yError);
    return true;
  },
};

export const trapezoidal = implicitSolver(trapezoidalMethod);

/**
 * On the algebraic entries of a DAE the rule's implied derivative 2(y1 − y0)/h − f0 would carry its own
 * error forward undamped (R(∞) = −1 again); f1 there is the derivative at t1 of the quadratic through
 * yPrev, y0 and y1 instead: (y1 − a·y0 + b·yPrev)/c with BDF2's a, b, c.
 */
function algebraicDerivative(s: ImplicitStep, omega: number, algebraic: Int32Array): void {
  const { h, y0, y1, f1, yPrev } = s;
  const a = (1 + omega) ** 2 / (1 + 2 * omega);
  const b = omega ** 2 / (1 + 2 * omega);
  const c = (h * (1 + omega)) / (1 + 2 * omega);
  for (const i of algebraic) f1[i] = (y1[i] - a * y0[i] + b * yPrev[i]) / c;
}
