/** y = A·x for a square operator known only through its action (a Jacobian–vector product, say). */
export interface LinearOperator {
  apply(x: Float64Array, out: Float64Array): void;
}

/** What one `Gmres.solve` achieved; a single record reused by every call. */
export interface GmresOutcome {
  converged: boolean;
  /** Operator applications (Krylov iterations) over all restarts. */
  iterations: number;
  /** ‖b − A·x‖₂ / ‖b‖₂ at the end (0 when b = 0). */
  relativeResidual: number;
}

/**
 * Restarted GMRES(m) with right preconditioning (Saad, Iterative Methods for Sparse Linear Systems,
 * 2nd ed., Alg. 6.9 and §9.3.2): minimises ‖b − A·x‖₂ over x0 + M⁻¹·K_m(A·M⁻¹, r0), with modified
 * Gram–Schmidt and Givens rotations. Right preconditioning keeps the true residual the one being
 * minimised, so the stopping test means what it says whatever M is. The Krylov basis and every
 * scratch vector are allocated by the constructor; `solve` allocates nothing.
 */
export class Gmres {
  private readonly basis: Float64Array[];
  private readonly work: Float64Array;
  private readonly preconditioned: Float64Array;
  /** Hessenberg matrix, column-major: column j holds h(0..j+1, j). */
  private readonly hessenberg: Float64Array;
  private readonly cosines: Float64Array;
  private readonly sines: Float64Array;
  private readonly rhs: Float64Array;
  private readonly outcome: GmresOutcome = { converged: false, iterations: 0, relativeResidual: Number.NaN };

  constructor(
    readonly n: number,
    readonly restart: number,
  ) {
    if (!(Number.isInteger(restart) && restart >= 1)) throw new RangeError(`GMRES restart length must be a whole number ≥ 1, got ${restart}`);
    this.basis = Array.from({ length: restart + 1 }, () => new Float64Array(n));
    this.work = new Float64Array(n);
    this.preconditioned = new Float64Array(n);
    this.hessenberg = new Float64Array((restart + 1) * restart);
    this.cosines = new Float64Array(restart);
    this.sines = new Float64Array(restart);
    this.rhs = new Float64Array(restart + 1);
  }

  /**
   * Solves A·x = b to ‖b − A·x‖₂ ≤ tol·‖b‖₂, starting from (and overwriting) x, within `maxIterations`
   * operator applications. `preconditioner`, if given, applies M⁻¹ ≈ A⁻¹. When it does not converge, x is
   * still the best iterate found, and the outcome says how far it got.
   */
  solve(
    operator: LinearOperator,
    preconditioner: LinearOperator | null,
    b: Float64Array,
    x: Float64Array,
    tol: number,
    maxIterations: number,
  ): GmresOutcome {
    const { n, restart: m, basis, work, hessenberg: h, cosines, sines, rhs, outcome } = this;
    const bNorm = norm2(b);
    outcome.iterations = 0;
    if (bNorm === 0) {
      x.fill(0);
      outcome.converged = true;
      outcome.relativeResidual = 0;
      return outcome;
    }
    const target = tol * bNorm;
    let residual = Number.POSITIVE_INFINITY;
    while (outcome.iterations < maxIterations) {
      const v0 = basis[0];
      operator.apply(x, work);
      for (let i = 0; i < n; i++) v0[i] = b[i] - work[i];
      const beta = norm2(v0);
      residual = beta;
      if (!(beta > target)) break;
      for (let i = 0; i < n; i++) v0[i] /= beta;
      rhs.fill(0);
      rhs[0] = beta;
      let columns = 0;
      for (let j = 0; j < m && outcome.iterations < maxIterations; j++) {
        const w = basis[j + 1];
        this.applyPreconditioned(operator, preconditioner, basis[j], w);
        outcome.iterations++;
        for (let i = 0; i <= j; i++) {
          const vi = basis[i];
          let dot = 0;
          for (let k = 0; k < n; k++) dot += w[k] * vi[k];
          h[j * (m + 1) + i] = dot;
          for (let k = 0; k < n; k++) w[k] -= dot * vi[k];
        }
        const wNorm = norm2(w);
        h[j * (m + 1) + j + 1] = wNorm;
        // wNorm = 0 is the "lucky breakdown": the solution lies in the current space.
        if (wNorm > 0) for (let k = 0; k < n; k++) w[k] /= wNorm;
        for (let i = 0; i < j; i++) {
          const a = h[j * (m + 1) + i];
          const c = h[j * (m + 1) + i + 1];
          h[j * (m + 1) + i] = cosines[i] * a + sines[i] * c;
          h[j * (m + 1) + i + 1] = -sines[i] * a + cosines[i] * c;
        }
        const diag = h[j * (m + 1) + j];
        const sub = h[j * (m + 1) + j + 1];
        const r = Math.hypot(diag, sub);
        cosines[j] = r === 0 ? 1 : diag / r;
        sines[j] = r === 0 ? 0 : sub / r;
        h[j * (m + 1) + j] = r;
        h[j * (m + 1) + j + 1] = 0;
        rhs[j + 1] = -sines[j] * rhs[j];
        rhs[j] = cosines[j] * rhs[j];
        columns = j + 1;
        residual = Math.abs(rhs[j + 1]);
        if (!(residual > target) || wNorm === 0) break;
      }
      this.update(preconditioner, columns, x);
      if (!(residual > target)) break;
      if (!Number.isFinite(residual)) break;
    }
    outcome.converged = residual <= target;
    outcome.relativeResidual = residual / bNorm;
    return outcome;
  }

  /** out = A·M⁻¹·v. */
  private applyPreconditioned(operator: LinearOperator, preconditioner: LinearOperator | null, v: Float64Array, out: Float64Array): void {
    if (!preconditioner) {
      operator.apply(v, out);
      return;
    }
    preconditioner.apply(v, this.preconditioned);
    operator.apply(this.preconditioned, out);
  }

  /** x += M⁻¹·V·y, where R·y = g is the rotated least-squares system of the `columns` columns built. */
  private update(preconditioner: LinearOperator | null, columns: number, x: Float64Array): void {
    const { n, restart: m, basis, hessenberg: h, rhs, work } = this;
    for (let i = columns - 1; i >= 0; i--) {
      let sum = rhs[i];
      for (let k = i + 1; k < columns; k++) sum -= h[k * (m + 1) + i] * rhs[k];
      rhs[i] = sum / h[i * (m + 1) + i];
    }
    work.fill(0);
    for (let k = 0; k < columns; k++) {
      const yk = rhs[k];
      const vk = basis[k];
      for (let i = 0; i < n; i++) work[i] += yk * vk[i];
    }
    if (preconditioner) {
      preconditioner.apply(work, this.preconditioned);
      for (let i = 0; i < n; i++) x[i] += this.preconditioned[i];
    } else {
      for (let i = 0; i < n; i++) x[i] += work[i];
    }
  }
}

function norm2(v: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  return Math.sqrt(sum);
}
