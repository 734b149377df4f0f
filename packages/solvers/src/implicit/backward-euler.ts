import { implicitSolver, type ImplicitMethod } from './implicit-solver';

/**
 * Backward Euler, y1 = y0 + h·f(t1, y1): order 1, L-stable. Its local error −(h²/2)·y'' is estimated
 * as (h/2)·(f1 − f0), the difference to the trapezoidal rule, with f1 = (y1 − y0)/h the derivative
 * the step itself implies (it equals f(t1, y1) up to Newton's tolerance and damps like the method).
 */
export const backwardEulerMethod: ImplicitMethod = {
  name: 'backward-euler',
  aliases: ['implicit-euler', 'BackwardEuler'],
  description: 'backward (implicit) Euler: order 1, L-stable, error estimated against the trapezoidal rule',
  citation: 'Hairer & Wanner, Solving ODEs II, §IV.3',
  order: 1,
  errorOrder: 1,
  denseOrder: 1,
  // Per-step error control leaves a first-order method a global error ~ √tol: 4e-4 at tol 1e-8 on the
  // suite's rotation problem (15 000 steps, each within tol).
  tolerance: { orderSlack: 0.2, errorPerTolerance: 1e5 },
  advance(s, ws) {
    const { h, y0, f0, y1, f1, yError } = s;
    const { guess } = ws;
    for (let i = 0; i < y0.length; i++) guess[i] = y0[i] + h * f0[i];
    if (!ws.newton.solve(s.t1, h, y0, guess, y1)) return false;
    for (let i = 0; i < y0.length; i++) {
      f1[i] = (y1[i] - y0[i]) / h;
      yError[i] = 0.5 * h * (f1[i] - f0[i]);
    }
    return true;
  },
};

export const backwardEuler = implicitSolver(backwardEulerMethod);
