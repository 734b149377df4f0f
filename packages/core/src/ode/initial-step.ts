import type { ControllerContext } from './controller';
import type { ErrorNorm } from './norm';

export interface InitialStepInput {
  readonly t0: number;
  /** +1 forward, −1 in reverse time. */
  readonly direction: 1 | -1;
  readonly y0: Float64Array;
  /** f(t0, y0), already evaluated (the FSAL solvers have it for free). */
  readonly f0: Float64Array;
  readonly rtol: number;
  readonly atol: number;
  readonly norm: ErrorNorm;
  /** The step is scaled by (0.01 / max(d1, d2))^(1/order). */
  readonly order: number;
  func(t: number, y: Float64Array, out: Float64Array): void;
}

/**
 * Hairer's starting-step heuristic (Hairer, Nørsett & Wanner, Solving ODEs I, §II.4), written as
 * torchdiffeq 0.2.5's `_select_initial_step`, including its degenerate branches, so that the
 * number of evaluations (exactly one) and the step match the original. Returns a positive magnitude.
 */
export function selectInitialStep(input: InitialStepInput): number {
  const { t0, direction, y0, f0, rtol, atol, norm, order } = input;
  const d0 = norm(y0, y0, y0, rtol, atol);
  const d1 = norm(f0, y0, y0, rtol, atol);
  const h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : Math.abs((0.01 * d0) / d1);

  // Two buffers once per solve: this runs before the first step, never inside the loop.
  const y1 = new Float64Array(y0.length);
  const f1 = new Float64Array(y0.length);
  const signedH0 = direction * h0;
  for (let i = 0; i < y0.length; i++) y1[i] = y0[i] + signedH0 * f0[i];
  input.func(t0 + signedH0, y1, f1);
  for (let i = 0; i < f1.length; i++) f1[i] -= f0[i];
  const d2 = Math.abs(norm(f1, y0, y0, rtol, atol) / h0);

  const h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / Math.max(d1, d2), 1 / order);
  return Math.min(100 * h0, Math.abs(h1));
}

/**
 * The first step an adaptive controller takes: the configured dt0, else Hairer's heuristic with the
 * controller's tolerances and norm (one extra evaluation).
 */
export function firstStepSize(
  settings: { readonly dt0?: number; readonly rtol?: number; readonly atol?: number },
  context: ControllerContext,
  norm: ErrorNorm,
): number {
  if (settings.dt0 !== undefined) return settings.dt0;
  return selectInitialStep({
    t0: context.t0,
    direction: context.t1 >= context.t0 ? 1 : -1,
    y0: context.y0,
    f0: context.initialDerivative(),
    rtol: settings.rtol!,
    atol: settings.atol!,
    norm,
    order: context.solverOrder,
    func: context.func,
  });
}
