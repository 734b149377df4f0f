import type { ReversibleStepper } from '@kirchhoff/core';
import type { RkInterpolation } from './interpolation';
import { linearCombination } from './linear-combination';
import type { ButcherTableau } from './tableau';

/** Buffers for reverse-mode steps on states of one size, reused across steps. */
interface ReverseWorkspace {
  readonly stageInputs: Float64Array[];
  readonly k: Float64Array[];
  readonly kBar: Float64Array[];
  readonly stageBar: Float64Array;
  readonly weights: Float64Array;
}

/**
 * Reverse mode of one explicit Runge–Kutta step, for the discrete adjoint. Forward, with stage inputs
 * Y_i = y0 + h·Σ_{j<i} a_ij·k_j and k_i = f(t0 + c_i·h, Y_i), the output is out = y0 + h·Σ_i w_i·k_i,
 * where w = b for the step's end or w = β(θ) for a dense readout at t0 + θh. Backward, from ō:
 *   k̄_i = h·w_i·ō;  for i = s … 1:  Ȳ_i = (∂f/∂y)(Y_i)ᵀ·k̄_i,  θ̄ += (∂f/∂θ)(Y_i)ᵀ·k̄_i,
 *   ȳ0 += Ȳ_i,  k̄_j += h·a_ij·Ȳ_i for j < i;   with ȳ0 starting at ō.
 * The stages are recomputed from y0 (s evaluations) rather than stored by the forward pass.
 */
export function createStepVjp(tableau: ButcherTableau, interpolation: RkInterpolation) {
  const { stages, c, a } = tableau;
  const rowIndices = a.map((row) => Int32Array.from(row.keys()));
  const workspaces = new Map<number, ReverseWorkspace>();
  const workspaceFor = (size: number): ReverseWorkspace => {
    let ws = workspaces.get(size);
    if (!ws) {
      const buffers = () => Array.from({ length: stages }, () => new Float64Array(size));
      ws = { stageInputs: buffers(), k: buffers(), kBar: buffers(), stageBar: new Float64Array(size), weights: new Float64Array(stages) };
      workspaces.clear(); // keep one size: a solve's states all have the same size
      workspaces.set(size, ws);
    }
    return ws;
  };

  const stepVjp: ReversibleStepper['stepVjp'] = (term, t0, t1, y0, tOut, outBar, y0Bar, grads) => {
    const h = t1 - t0;
    const ws = workspaceFor(y0.length);
    const { stageInputs: Y, k, kBar, stageBar, weights } = ws;
    if (tOut === t1) weights.set(tableau.b);
    else interpolation.stageWeights((tOut - t0) / h, weights);
    const stageTime = (i: number) => (c[i] === 1 ? t1 : t0 + c[i] * h);

    Y[0].set(y0);
    term.vf(t0, Y[0], k[0]);
    for (let i = 1; i < stages; i++) {
      linearCombination(Y[i], y0, rowIndices[i], a[i], h, k);
      term.vf(stageTime(i), Y[i], k[i]);
    }

    y0Bar.set(outBar);
    for (let i = 0; i < stages; i++) {
      const w = h * weights[i];
      const target = kBar[i];
      for (let m = 0; m < target.length; m++) target[m] = w * outBar[m];
    }
    for (let i = stages - 1; i >= 0; i--) {
      term.vjp(stageTime(i), Y[i], kBar[i], stageBar, grads);
      for (let m = 0; m < stageBar.length; m++) y0Bar[m] += stageBar[m];
      const row = a[i];
      for (let j = 0; j < i; j++) {
        const w = h * row[j];
        if (w === 0) continue;
        const target = kBar[j];
        for (let m = 0; m < target.length; m++) target[m] += w * stageBar[m];
      }
    }
  };
  return stepVjp;
}
