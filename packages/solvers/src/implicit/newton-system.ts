import {
  DenseLu,
  Gmres,
  hasJacobian,
  jacobianStructure,
  KirchhoffError,
  type JacobianStructure,
  type JacobianTerm,
  type LinearOperator,
  type OdeTerm,
} from '@kirchhoff/core';
import type { ImplicitSettings } from './options';

/**
 * The linear algebra inside Newton's method for Y = ψ + c·f(t, Y): solves (I − c·J)·x = b, J = ∂f/∂y.
 * Three strategies share this interface:
 * - `dense`: J assembled column by column from exact Jacobian–vector products, one LU per sample block;
 *   J is kept across steps (simplified Newton) and re-evaluated when Newton converges slowly or fails.
 * - `krylov`: GMRES on products with the exact J at the current iterate (Newton–Krylov), Jacobi-preconditioned
 *   once unpreconditioned GMRES stops converging; cost per product grows with the branches, not N³.
 * - `functional`: x = b, i.e. fixed-point iteration, for terms that have no `jvp`. It converges only
 *   for steps with c·‖J‖ < 1, so stiff problems run slowly but correctly.
 */
export interface NewtonSystem {
  readonly kind: 'dense' | 'krylov' | 'functional';
  /** A stage begins near (t, y) with c = γ·h. False when I − c·J is singular there. */
  begin(t: number, y: Float64Array, c: number): boolean;
  /** x = (I − c·J)⁻¹·b with J near the iterate (t, y). False when the solve broke down. */
  solve(t: number, y: Float64Array, b: Float64Array, x: Float64Array): boolean;
  /** The next `begin` re-evaluates what is kept. False when it is already current, so retrying is pointless. */
  refresh(): boolean;
  /** A step begins: what was evaluated before now counts as old. */
  startStep(): void;
  /** Newton converged with contraction rate θ; a high θ means the kept Jacobian has drifted. */
  converged(theta: number): void;
}

/** Above this Newton contraction rate the kept dense Jacobian is re-evaluated for the next stage. */
const STALE_CONTRACTION = 0.1;

export function createNewtonSystem(term: OdeTerm, settings: ImplicitSettings): NewtonSystem {
  if (!hasJacobian(term)) return new FunctionalSystem();
  const structure = jacobianStructure(term);
  const { samples, quadrature } = structure;
  const lead = term.size - quadrature;
  if (!(Number.isInteger(samples) && samples >= 1 && Number.isInteger(quadrature) && quadrature >= 0 && lead >= 0 && lead % samples === 0)) {
    throw new KirchhoffError(
      'invalid-term',
      `jacobianStructure { samples: ${samples}, quadrature: ${quadrature} } does not fit a state of ${term.size} entries`,
    );
  }
  return lead / samples <= settings.denseLimit ? new DenseSystem(term, structure) : new KrylovSystem(term, structure, settings);
}

class FunctionalSystem implements NewtonSystem {
  readonly kind = 'functional';
  begin(): boolean {
    return true;
  }
  solve(_t: number, _y: Float64Array, b: Float64Array, x: Float64Array): boolean {
    x.set(b);
    return true;
  }
  refresh(): boolean {
    return false;
  }
  startStep(): void {}
  converged(): void {}
}

/** Shapes and scratch both Jacobian-based systems need. */
abstract class JacobianSystem {
  protected readonly samples: number;
  protected readonly quadrature: number;
  /** Entries per sample in the leading (non-quadrature) part. */
  protected readonly rows: number;
  protected readonly lead: number;
  /** Full-size direction and product for `jvp`; the probe's quadrature part stays 0. */
  protected readonly probe: Float64Array;
  protected readonly product: Float64Array;
  protected c = Number.NaN;

  constructor(
    protected readonly term: JacobianTerm,
    structure: JacobianStructure,
  ) {
    this.samples = structure.samples;
    this.quadrature = structure.quadrature;
    this.lead = term.size - structure.quadrature;
    this.rows = this.lead / structure.samples;
    this.probe = new Float64Array(term.size);
    this.product = new Float64Array(term.size);
  }

  /**
   * Column j of every sample's block at once: the samples never couple, so one product with
   * e_j in every sample gives them all. `visit(i, s, value)` receives J_s[i][j].
   */
  protected columns(t: number, y: Float64Array, visit: (j: number, i: number, s: number, value: number) => void): void {
    const { rows, samples: S, probe, product } = this;
    for (let j = 0; j < rows; j++) {
      for (let s = 0; s < S; s++) probe[j * S + s] = 1;
      this.term.jvp(t, y, probe, product);
      for (let s = 0; s < S; s++) probe[j * S + s] = 0;
      for (let i = 0; i < rows; i++) for (let s = 0; s < S; s++) visit(j, i, s, product[i * S + s]);
    }
  }

  /**
   * The quadrature rows of (I − c·J)⁻¹·b. With J = [[A, 0], [G, 0]] they are x_q = b_q + c·G·x_lead,
   * one more product once the leading part of x is known.
   */
  protected solveQuadrature(t: number, y: Float64Array, b: Float64Array, x: Float64Array): void {
    const { lead, probe, product } = this;
    for (let i = 0; i < lead; i++) probe[i] = x[i];
    this.term.jvp(t, y, probe, product);
    for (let i = 0; i < lead; i++) probe[i] = 0;
    for (let i = lead; i < x.length; i++) x[i] = b[i] + this.c * product[i];
  }
}

class DenseSystem extends JacobianSystem implements NewtonSystem {
  readonly kind = 'dense';
  /** J of sample s, row-major, at s·rows². */
  private readonly jacobian: Float64Array;
  private readonly factors: DenseLu[];
  private stale = true;
  /** J was evaluated during the current step. */
  private current = false;
  private readonly store = (j: number, i: number, s: number, value: number): void => {
    this.jacobian[s * this.rows * this.rows + i * this.rows + j] = value;
  };

  constructor(term: JacobianTerm, structure: JacobianStructure) {
    super(term, structure);
    this.jacobian = new Float64Array(this.samples * this.rows * this.rows);
    this.factors = Array.from({ length: this.samples }, () => new DenseLu(this.rows));
  }

  begin(t: number, y: Float64Array, c: number): boolean {
    if (this.stale) {
      this.columns(t, y, this.store);
      this.stale = false;
      this.current = true;
      this.c = Number.NaN;
    }
    if (c === this.c) return true;
    const n = this.rows;
    for (let s = 0; s < this.samples; s++) {
      const m = this.factors[s].matrix;
      const offset = s * n * n;
      for (let k = 0; k < n * n; k++) m[k] = -c * this.jacobian[offset + k];
      for (let i = 0; i < n; i++) m[i * n + i] += 1;
      if (this.factors[s].factor() >= 0) {
        this.c = Number.NaN;
        return false;
      }
    }
    this.c = c;
    return true;
  }

  solve(t: number, y: Float64Array, b: Float64Array, x: Float64Array): boolean {
    for (let i = 0; i < this.lead; i++) x[i] = b[i];
    for (let s = 0; s < this.samples; s++) this.factors[s].solve(x, s, this.samples);
    if (this.quadrature > 0) this.solveQuadrature(t, y, b, x);
    return true;
  }

  refresh(): boolean {
    if (this.current) return false;
    this.stale = true;
    return true;
  }

  startStep(): void {
    this.current = false;
  }

  converged(theta: number): void {
    if (theta > STALE_CONTRACTION) this.stale = true;
  }
}

class KrylovSystem extends JacobianSystem implements NewtonSystem {
  readonly kind = 'krylov';
  private readonly gmres: Gmres;
  private readonly maxIterations: number;
  private readonly tolerance: number;
  /**
   * diag(J) for the Jacobi preconditioner: computed the first time GMRES fails to converge without it
   * (non-stiff systems never pay for it) and renewed only when Newton fails with an old one.
   */
  private readonly diagonal: Float64Array;
  private hasDiagonal = false;
  private diagonalCurrent = false;
  private renewDiagonal = false;
  /** Leading parts of b and x when there is quadrature (GMRES runs on the leading part only). */
  private readonly bLead: Float64Array;
  private readonly xLead: Float64Array;
  private t = 0;
  private y: Float64Array;
  private readonly operator: LinearOperator;
  private readonly jacobi: LinearOperator;
  private readonly storeDiagonal = (j: number, i: number, s: number, value: number): void => {
    if (i === j) this.diagonal[i * this.samples + s] = value;
  };

  constructor(term: JacobianTerm, structure: JacobianStructure, settings: ImplicitSettings) {
    super(term, structure);
    this.gmres = new Gmres(this.lead, Math.min(settings.krylovDimension, Math.max(1, this.lead)));
    this.maxIterations = 4 * settings.krylovDimension;
    this.tolerance = settings.krylovTolerance;
    this.diagonal = new Float64Array(this.lead);
    this.bLead = this.quadrature > 0 ? new Float64Array(this.lead) : new Float64Array(0);
    this.xLead = this.quadrature > 0 ? new Float64Array(this.lead) : new Float64Array(0);
    this.y = this.probe;
    this.operator = {
      apply: (v, out) => {
        const { lead, probe, product } = this;
        for (let i = 0; i < lead; i++) probe[i] = v[i];
        this.term.jvp(this.t, this.y, probe, product);
        for (let i = 0; i < lead; i++) out[i] = v[i] - this.c * product[i];
        for (let i = 0; i < lead; i++) probe[i] = 0;
      },
    };
    this.jacobi = {
      apply: (v, out) => {
        for (let i = 0; i < v.length; i++) {
          const d = 1 - this.c * this.diagonal[i];
          // A diagonal entry near 1/c would make the preconditioner, not the system, singular.
          out[i] = Math.abs(d) > 1e-8 ? v[i] / d : v[i];
        }
      },
    };
  }

  begin(_t: number, _y: Float64Array, c: number): boolean {
    this.c = c;
    return true;
  }

  solve(t: number, y: Float64Array, b: Float64Array, x: Float64Array): boolean {
    this.t = t;
    this.y = y;
    const split = this.quadrature > 0;
    const bl = split ? this.bLead : b;
    const xl = split ? this.xLead : x;
    if (split) for (let i = 0; i < this.lead; i++) bl[i] = b[i];
    if (this.renewDiagonal) this.evaluateDiagonal(t, y);
    let outcome = this.run(bl, xl);
    if (!outcome.converged && !this.hasDiagonal) {
      this.evaluateDiagonal(t, y);
      outcome = this.run(bl, xl);
    }
    if (split) {
      for (let i = 0; i < this.lead; i++) x[i] = xl[i];
      this.solveQuadrature(t, y, b, x);
    }
    return Number.isFinite(outcome.relativeResidual);
  }

  private evaluateDiagonal(t: number, y: Float64Array): void {
    this.columns(t, y, this.storeDiagonal);
    this.hasDiagonal = true;
    this.diagonalCurrent = true;
    this.renewDiagonal = false;
  }

  private run(b: Float64Array, x: Float64Array) {
    x.fill(0);
    return this.gmres.solve(this.operator, this.hasDiagonal ? this.jacobi : null, b, x, this.tolerance, this.maxIterations);
  }

  refresh(): boolean {
    // Products always use the current iterate; only an old preconditioner can be renewed.
    if (!this.hasDiagonal || this.diagonalCurrent) return false;
    this.renewDiagonal = true;
    return true;
  }

  startStep(): void {
    this.diagonalCurrent = false;
  }

  converged(): void {}
}
