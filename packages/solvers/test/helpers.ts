import type { OdeTerm } from '@kirchhoff/core';

/** A term from a plain function on number arrays (one sample per call when batch > 1 is not needed). */
export function arrayTerm(size: number, field: (t: number, y: number[]) => number[]): OdeTerm {
  return {
    size,
    batch: 1,
    vf(t, y, out) {
      out.set(field(t, Array.from(y)));
    },
  };
}

/** Largest |a − b| / max(1, |b|) over the entries. */
export function maxRelativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}

/** Runs `action` and returns what it threw (failing the test if it did not throw). */
export function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, but none was thrown');
}
