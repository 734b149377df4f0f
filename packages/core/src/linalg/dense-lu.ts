/**
 * LU factorisation with partial pivoting of one n×n matrix, P·A = L·U, in place (Golub & Van Loan,
 * Matrix Computations, Alg. 3.4.1). All storage is allocated by the constructor; `factor` and `solve`
 * allocate nothing, so a Newton iteration can refactor and solve every step.
 */
export class DenseLu {
  /** Row-major n×n: write A here, call `factor`, and it holds L (unit lower, below the diagonal) and U. */
  readonly matrix: Float64Array;
  /** Row k of U came from row pivots[k] of A (after the earlier swaps). */
  readonly pivots: Int32Array;

  constructor(readonly n: number) {
    this.matrix = new Float64Array(n * n);
    this.pivots = new Int32Array(n);
  }

  /**
   * Factors `matrix` in place. Returns −1, or the first column whose pivot is zero or not finite
   * (the matrix is singular to working precision there, or holds NaN), in which case `solve` must not be used.
   */
  factor(): number {
    const { n, matrix: a, pivots } = this;
    for (let k = 0; k < n; k++) {
      let p = k;
      let largest = Math.abs(a[k * n + k]);
      for (let i = k + 1; i < n; i++) {
        const v = Math.abs(a[i * n + k]);
        if (v > largest) {
          largest = v;
          p = i;
        }
      }
      // `!(largest > 0)` also catches NaN, which the comparisons above never select.
      if (!(largest > 0) || !Number.isFinite(largest)) return k;
      pivots[k] = p;
      if (p !== k) {
        for (let j = 0; j < n; j++) {
          const tmp = a[k * n + j];
          a[k * n + j] = a[p * n + j];
          a[p * n + j] = tmp;
        }
      }
      const inv = 1 / a[k * n + k];
      for (let i = k + 1; i < n; i++) {
        const l = a[i * n + k] * inv;
        if (l === 0) continue;
        a[i * n + k] = l;
        for (let j = k + 1; j < n; j++) a[i * n + j] -= l * a[k * n + j];
      }
    }
    return -1;
  }

  /**
   * Solves A·x = b in place for the vector stored at x[offset + i·stride], i = 0..n−1: a batch of
   * independent systems interleaved in one node-major state is solved without gathering it first.
   */
  solve(x: Float64Array, offset = 0, stride = 1): void {
    const { n, matrix: a, pivots } = this;
    for (let k = 0; k < n; k++) {
      const p = pivots[k];
      if (p !== k) {
        const tmp = x[offset + k * stride];
        x[offset + k * stride] = x[offset + p * stride];
        x[offset + p * stride] = tmp;
      }
    }
    for (let i = 1; i < n; i++) {
      let sum = x[offset + i * stride];
      for (let j = 0; j < i; j++) sum -= a[i * n + j] * x[offset + j * stride];
      x[offset + i * stride] = sum;
    }
    for (let i = n - 1; i >= 0; i--) {
      let sum = x[offset + i * stride];
      for (let j = i + 1; j < n; j++) sum -= a[i * n + j] * x[offset + j * stride];
      x[offset + i * stride] = sum / a[i * n + i];
    }
  }
}
