import { linearCombination } from './linear-combination';
import type { ButcherTableau } from './tableau';

/** A Runge–Kutta method's dense output: the solution inside a step from its stages. */
export interface RkInterpolation {
  /** Local error O(dt^(order+1)). */
  readonly order: number;
  /**
   * Writes y(t0 + θ·h) into `out`, from the step's start y0, end y1 and stage derivatives k
   * (h is signed: negative in reverse time).
   */
  evaluate(theta: number, h: number, y0: Float64Array, y1: Float64Array, k: readonly Float64Array[], out: Float64Array): void;
  /**
   * β(θ) with y(t0 + θh) = y0 + h·Σ_i β_i(θ)·k_i, written into `out` (one weight per stage). Every
   * interpolant here is linear in the stages, which is what lets the discrete adjoint differentiate a
   * readout inside a step exactly like a step.
   */
  stageWeights(theta: number, out: Float64Array): void;
  /** Consistency problems with the tableau it belongs to. */
  check?(tableau: ButcherTableau): string[];
}

/**
 * A continuous extension y(t0 + θh) = y0 + h·Σ_i b_i(θ)·k_i with polynomial weights
 * b_i(θ) = Σ_p r_ip·θ^p; `weights[i]` lists r_i1, r_i2, … .
 */
export function polynomialInterpolation(order: number, weights: readonly (readonly number[])[]): RkInterpolation {
  const stages = weights.length;
  const thetaWeights = new Float64Array(stages);
  const allStages = Int32Array.from(weights.keys());
  const stageWeights = (theta: number, out: Float64Array): void => {
    for (let i = 0; i < stages; i++) {
      const r = weights[i];
      let poly = 0;
      for (let p = r.length - 1; p >= 0; p--) poly = theta * (r[p] + poly);
      out[i] = poly;
    }
  };
  return {
    order,
    stageWeights,
    evaluate(theta, h, y0, _y1, k, out) {
      stageWeights(theta, thetaWeights);
      linearCombination(out, y0, allStages, thetaWeights, h, k);
    },
    check(tableau) {
      const problems: string[] = [];
      if (stages !== tableau.stages) problems.push(`interpolant has weights for ${stages} stages, the tableau ${tableau.stages}`);
      weights.forEach((r, i) => {
        const atOne = r.reduce((s, x) => s + x, 0);
        if (Math.abs(atOne - tableau.b[i]) > 1e-12) problems.push(`b_${i}(1) = ${atOne} differs from b[${i}] = ${tableau.b[i]}`);
      });
      const slope = weights.reduce((s, r) => s + (r[0] ?? 0), 0);
      if (Math.abs(slope - 1) > 1e-12) problems.push(`Σ b_i′(0) = ${slope}; a consistent interpolant has 1`);
      return problems;
    },
  };
}
