import type { DenseOutput } from '@kirchhoff/core';

/**
 * The cubic Hermite interpolant through (t0, y0, f0) and (t1, y1, f1): exact at both ends, C¹ across
 * steps, and with an interpolation error O(h⁴) it is as accurate inside a step as any of these
 * methods (order ≤ 2) is at its end. It reads the step's buffers, so it is valid until the next step.
 */
export class HermiteDense implements DenseOutput {
  t0 = 0;
  t1 = 0;
  private y0: Float64Array;
  private y1: Float64Array;
  private f0: Float64Array;
  private f1: Float64Array;

  constructor() {
    this.y0 = this.y1 = this.f0 = this.f1 = new Float64Array(0);
  }

  reset(t0: number, t1: number, y0: Float64Array, y1: Float64Array, f0: Float64Array, f1: Float64Array): void {
    this.t0 = t0;
    this.t1 = t1;
    this.y0 = y0;
    this.y1 = y1;
    this.f0 = f0;
    this.f1 = f1;
  }

  evaluate(t: number, out: Float64Array): void {
    const h = this.t1 - this.t0;
    const x = (t - this.t0) / h;
    const u = 1 - x;
    const a0 = (1 + 2 * x) * u * u;
    const b0 = h * x * u * u;
    const a1 = x * x * (3 - 2 * x);
    const b1 = -h * x * x * u;
    const { y0, y1, f0, f1 } = this;
    for (let i = 0; i < out.length; i++) out[i] = a0 * y0[i] + b0 * f0[i] + a1 * y1[i] + b1 * f1[i];
  }
}
