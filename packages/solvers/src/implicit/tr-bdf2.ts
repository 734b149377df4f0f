import { implicitSolver, type ImplicitMethod, type ImplicitStep, type ImplicitWorkspace } from './implicit-solver';

/** γ = 2 − √2 makes both stages share the Newton matrix I − d·h·J (d = γ/2) and the method L-stable. */
const GAMMA = 2 - Math.SQRT2;
const D = GAMMA / 2;
const W = Math.SQRT2 / 4;
/** b − b̂ with Hosea & Shampine's third-order embedded weights b̂ = ((1 − w)/3, (3w + 1)/3, d/3). */
const E0 = W - (1 - W) / 3;
const E1 = W - (3 * W + 1) / 3;
const E2 = D - D / 3;

/**
 * One TR-BDF2 step: a trapezoidal stage to t0 + γh, then BDF2 through t0, t0 + γh and t1. As an ESDIRK
 * its tableau is c = (0, γ, 1), a = ((0), (d, d), (w, w, d)), b = (w, w, d). The error estimate
 * h·Σ(b_i − b̂_i)·k_i is filtered through (I − d·h·J)⁻¹ (Shampine's device, the matrix Newton already
 * has), which keeps it from overstating the error of stiff components. Also the start step of the
 * trapezoidal rule and of BDF2: both need history it does not.
 *
 * On the algebraic entries of a DAE both stages put Y on the constraint; f1 = (y1 − ψ)/c there is
 * (y1 − y0 − (w/d)·(stage − y0))/(d·h), the derivative at t1 of the quadratic through y0, the stage and y1
 * (f0 cancels), so it is second order and does not carry errors from step to step.
 */
export function advanceTrBdf2(s: ImplicitStep, ws: ImplicitWorkspace): boolean {
  const { h, y0, f0, y1, f1, yError } = s;
  const { psi, guess, stage, stageDerivative: k2, raw, newton } = ws;
  const c = D * h;
  const n = y0.length;
  for (let i = 0; i < n; i++) {
    psi[i] = y0[i] + c * f0[i];
    guess[i] = y0[i] + GAMMA * h * f0[i];
  }
  if (!newton.solve(s.t0 + GAMMA * h, c, psi, guess, stage)) return false;
  for (let i = 0; i < n; i++) {
    k2[i] = (stage[i] - psi[i]) / c;
    psi[i] = y0[i] + W * h * (f0[i] + k2[i]);
    // The quadratic through (t0, y0) with slope f0 and through the stage, extrapolated to t1.
    guess[i] = y0[i] + h * f0[i] + (stage[i] - y0[i] - GAMMA * h * f0[i]) / (GAMMA * GAMMA);
  }
  if (!newton.solve(s.t1, c, psi, guess, y1)) return false;
  for (let i = 0; i < n; i++) {
    f1[i] = (y1[i] - psi[i]) / c;
    raw[i] = h * (E0 * f0[i] + E1 * k2[i] + E2 * f1[i]);
  }
  // DAE: only the differential entries carry an error of their own (filtered, it spreads to the
  // algebraic entries as J_aa⁻¹·J_ad·e_d, which the solver then drops: see implicitSolver).
  for (const i of ws.algebraic) raw[i] = 0;
  // The filter is a refinement: should the solve break down, the raw estimate is still an estimate.
  if (!newton.system.solve(s.t1, y1, raw, yError)) yError.set(raw);
  return true;
}

export const trBdf2Method: ImplicitMethod = {
  name: 'tr-bdf2',
  aliases: ['trbdf2', 'ode23tb'],
  description: 'TR-BDF2: trapezoidal stage then BDF2, one-step, L-stable, order 2 with a filtered 3rd-order error estimate',
  citation:
    'Bank, Coughran, Fichtner, Grosse, Rose & Smith, IEEE Trans. CAD 4 (1985) 436–451; Hosea & Shampine, Appl. Numer. Math. 20 (1996) 21–37',
  order: 2,
  errorOrder: 2,
  denseOrder: 2,
  // Per-step error control: the global error is about (steps)·tol/2, ~1300·tol at 1e-8 on the suite's problems.
  tolerance: { orderSlack: 0.2, errorPerTolerance: 3000 },
  advance: advanceTrBdf2,
};

export const trBdf2 = implicitSolver(trBdf2Method);
