import type { CompiledBranchType } from '@kirchhoff/core';

/** The current and its slope dI/dV of a two-terminal device at one voltage. */
export type IvCurve = (voltage: number) => { readonly current: number; readonly slope: number };

export interface IvExtremum {
  readonly kind: 'peak' | 'valley';
  readonly voltage: number;
  readonly current: number;
}

export interface SteepestSlope {
  readonly voltage: number;
  /** The most negative dI/dV in the range (the strongest negative differential resistance). */
  readonly slope: number;
}

/** A compiled two-terminal law as a curve of V = vs − vd, with its exact symbolic slope. */
export function curveOf(type: CompiledBranchType, theta: readonly number[] = defaultTheta(type)): IvCurve {
  return (voltage) => {
    const at = type.law.evaluateAt([voltage, 0], theta);
    return { current: at.currents[0], slope: at.dV[0] };
  };
}

/** Each parameter's numeric init: the values a device's defaults describe. */
export function defaultTheta(type: CompiledBranchType): number[] {
  return type.definition.meta.params.map((p) => {
    if (typeof p.init !== 'number') throw new Error(`parameter '${p.name}' of '${type.definition.name}' has no numeric default`);
    return p.init;
  });
}

/**
 * Peaks and valleys in [lo, hi]: sign changes of the slope on a grid of `samples` intervals, each
 * refined by bisection on the slope to ~1e-13 V. Exact-zero slopes (flat, clamped stretches) carry the
 * previous sign, so a plateau is not reported as an extremum. An extremum narrower than the grid step
 * can be missed; pass more samples for sharp curves.
 */
export function ivExtrema(curve: IvCurve, lo: number, hi: number, samples = 2000): IvExtremum[] {
  const found: IvExtremum[] = [];
  let previousV = lo;
  let previousSign = Math.sign(curve(lo).slope);
  for (let k = 1; k <= samples; k++) {
    const v = lo + ((hi - lo) * k) / samples;
    const sign = Math.sign(curve(v).slope);
    if (sign !== 0 && previousSign !== 0 && sign !== previousSign) {
      const root = bisect((x) => curve(x).slope, previousV, v);
      found.push({ kind: previousSign > 0 ? 'peak' : 'valley', voltage: root, current: curve(root).current });
    }
    if (sign !== 0) {
      previousSign = sign;
      previousV = v;
    }
  }
  return found;
}

/** The most negative slope in [lo, hi]: grid search, then golden-section refinement around the best point. */
export function steepestNdr(curve: IvCurve, lo: number, hi: number, samples = 2000): SteepestSlope {
  const step = (hi - lo) / samples;
  let best = lo;
  for (let k = 1; k <= samples; k++) {
    const v = lo + step * k;
    if (curve(v).slope < curve(best).slope) best = v;
  }
  const voltage = goldenMinimum((x) => curve(x).slope, Math.max(lo, best - step), Math.min(hi, best + step));
  return { voltage, slope: curve(voltage).slope };
}

function bisect(f: (x: number) => number, a: number, b: number): number {
  let fa = f(a);
  for (let i = 0; i < 200 && b - a > 1e-13 * Math.max(1, Math.abs(a)); i++) {
    const m = 0.5 * (a + b);
    const fm = f(m);
    if (fm === 0) return m;
    if (Math.sign(fm) === Math.sign(fa)) [a, fa] = [m, fm];
    else b = m;
  }
  return 0.5 * (a + b);
}

function goldenMinimum(f: (x: number) => number, a: number, b: number): number {
  const r = (Math.sqrt(5) - 1) / 2;
  let c = b - r * (b - a);
  let d = a + r * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < 200 && b - a > 1e-12 * Math.max(1, Math.abs(a)); i++) {
    if (fc < fd) {
      [b, d, fd] = [d, c, fc];
      c = b - r * (b - a);
      fc = f(c);
    } else {
      [a, c, fc] = [c, d, fd];
      d = a + r * (b - a);
      fd = f(d);
    }
  }
  return 0.5 * (a + b);
}
