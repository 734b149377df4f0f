import {
  checkMass,
  DenseLu,
  describeStateIndex,
  Gmres,
  hasJacobian,
  jacobianStructure,
  KirchhoffError,
  massOf,
  type JacobianStructure,
  type JacobianTerm,
  type LinearOperator,
  type OdeTerm,
} from '@kirchhoff/core';
import type { ImplicitSettings } from './options';

/**
 * The linear algebra inside Newton's method for M·(Y − ψ) = c·f(t, Y): solves (M − c·J)·x = b, J = ∂f/∂y,
 * M the term's diagonal mass (I for an ODE; 0 on the algebraic entries of a DAE). Three strategies share
 * this interface:
 * - `dense`: J assembled column by column from exact Jacobian–vector products, one LU per sample block;
 *   J is kept across steps (simplified Newton) and re-evaluated when Newton converges slowly or fails.
 * - `krylov`: GMRES on products with the exact J at the current iterate (Newton–Krylov), Jacobi-preconditioned
 *   once unpreconditioned GMRES stops converging; cost per product grows with the branches, not N³.
 * - `functional`: x = b, i.e. fixed-point iteration, for terms that have no `jvp`. It converges only
 *   for steps with c·‖J‖ < 1, so stiff problems run slowly but correctly.
 */
export interface NewtonSystem {
  readonly kind: 'dense' | 'krylov' | 'functional';
  /** The mass diagonal (full state size) when the term has algebraic entries, else null (M = I). */
  readonly mass: Float64Array | null;
  /** A stage begins near (t, y) with c = γ·h. False when M − c·J is singular there. */
  begin(t: number, y: Float64Array, c: number): boolean;
  /** x = (M − c·J)⁻¹·b with J near the iterate (t, y). False when the solve broke down. */
  solve(t: number, y: Float64Array, b: Float64Array, x: Float64Array): boolean;
  /**
   * The stage failed: the next `begin` re-evaluates what is kept. False when that was already current
   * (evaluated in this step), so retrying this stage at once is pointless.
   */
  refresh(): boolean;
  /** A step begins: what was evaluated before now counts as old. */
  startStep(): void;
  /** Newton converged with contraction rate θ; a high θ means the kept Jacobian has drifted. */
  converged(theta: number): void;
}

/** Above this Newton contraction rate the kept dense Jacobian is re-evaluated for the next stage. */
const STALE_CONTRACTION = 0.1;

export function createNewtonSystem(term: OdeTerm, settings: ImplicitSettings): NewtonSystem {
  const invalidMass = checkMass(term);
  if (invalidMass) throw new KirchhoffError('invalid-term', invalidMass);
  const mass = massOf(term) ?? null;
  if (!hasJacobian(term)) {
    if (mass) {
      const entry = mass.indexOf(0);
      throw new KirchhoffError(
        'algebraic-node',
        `the term has algebraic entries (${describeStateIndex(term, entry)}, …) but no Jacobian–vector product: its constraints need Newton's method on the exact Jacobian (jvp); fixed-point iteration cannot solve 0 = f(y)`,
        { index: entry },
      );
    }
    return new FunctionalSystem();
  }
  const structure = jacobianStructure(term);
  const { samples, quadrature } = structure;
  const lead = term.size - quadrature;
  if (!(Number.isInteger(samples) && samples >= 1 && Number.isInteger(quadrature) && quadrature >= 0 && lead >= 0 && lead % samples === 0)) {
    throw new KirchhoffError(
      'invalid-term',
      `jacobianStructure { samples: ${samples}, quadrature: ${quadrature} } does not fit a state of ${term.size} entries`,
    );
  }
  if (mass) checkMassPattern(mass, samples, lead);
  return lead / samples <= settings.denseLimit ? new DenseSystem(term, structure, mass) : new KrylovSystem(term, structure, settings, mass);
}

/** The Jacobian blocks are per sample, so the algebraic rows must be the same in each; quadrature is differential. */
function checkMassPattern(mass: Float64Array, samples: number, lead: number): void {
  for (let i = 0; i < mass.length; i++) {
    const differs = i < lead ? mass[i] !== mass[i - (i % samples)] : mass[i] !== 1;
    if (differs) {
      throw new KirchhoffError(
        'invalid-term',
        i < lead
          ? `mass entry ${i} is ${mass[i]}, but entry ${i - (i % samples)} of the same row is ${mass[i - (i % samples)]}: algebraic rows must be algebraic in every sample`
          : `mass entry ${i} is ${mass[i]}, but quadrature entries are differential (mass 1)`,
      );
    }
  }
}

class FunctionalSystem implements NewtonSystem {
  readonly kind = 'functional';
  readonly mass = null;
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
  /** The mass of each row of a sample block (the same in every sample), or null for M = I. */
  protected readonly rowMass: Float64Array | null;
  protected c = Number.NaN;

  constructor(
    protected readonly term: JacobianTerm,
    structure: JacobianStructure,
    readonly mass: Float64Array | null,
  ) {
    this.samples = structure.samples;
    this.quadrature = structure.quadrature;
    this.lead = term.size - structure.quadrature;
    this.rows = this.lead / structure.samples;
    this.probe = new Float64Array(term.size);
    this.product = new Float64Array(term.size);
    this.rowMass = mass && Float64Array.from({ length: this.rows }, (_, i) => mass[i * structure.samples]);
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
   * The quadrature rows of (M − c·J)⁻¹·b. With J = [[A, 0], [G, 0]] they are x_q = b_q + c·G·x_lead,
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

  constructor(term: JacobianTerm, structure: JacobianStructure, mass: Float64Array | null) {
    super(term, structure, mass);
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
      const rowMass = this.rowMass;
      for (let i = 0; i < n; i++) m[i * n + i] += rowMass ? rowMass[i] : 1;
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
    // A Jacobian that a stage failed with is never reused: it may have been evaluated at a wild guess
    // (an extrapolation far past a fast transition, where an exponential device's slope is astronomic),
    // and with it every Newton update of a retried, shorter step looks negligible, so the retry would
    // accept its own guess. Retrying this stage now only helps if J was from an earlier step.
    this.stale = true;
    return !this.current;
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
   * (non-stiff systems never pay for it), at the first solve when there are algebraic rows (which need it
   * for their weights), and renewed only when Newton fails with an old one.
   */
  private readonly diagonal: Float64Array;
  private hasDiagonal = false;
  private diagonalCurrent = false;
  private renewDiagonal = false;
  /**
   * Row weights W of the system GMRES solves, W·(M − c·J)·x = W·b: 1 on differential rows, 1/|c·J_ii| on
   * algebraic ones, whose rows −c·J_i· are currents (A·s) rather than voltages. Scaled, every row of the
   * residual is in volts, so GMRES's relative residual weighs both kinds alike. Null for an ODE.
   */
  private readonly weights: Float64Array | null;
  /** Leading parts of b and x when there is quadrature or weighting (GMRES runs on the leading part only). */
  private readonly bLead: Float64Array;
  private readonly xLead: Float64Array;
  private t = 0;
  private y: Float64Array;
  private readonly operator: LinearOperator;
  private readonly jacobi: LinearOperator;
  private readonly storeDiagonal = (j: number, i: number, s: number, value: number): void => {
    if (i === j) this.diagonal[i * this.samples + s] = value;
  };

  constructor(term: JacobianTerm, structure: JacobianStructure, settings: ImplicitSettings, mass: Float64Array | null) {
    super(term, structure, mass);
    this.gmres = new Gmres(this.lead, Math.min(settings.krylovDimension, Math.max(1, this.lead)));
    this.maxIterations = 4 * settings.krylovDimension;
    this.tolerance = settings.krylovTolerance;
    this.diagonal = new Float64Array(this.lead);
    this.weights = mass && new Float64Array(this.lead).fill(1);
    const split = this.quadrature > 0 || mass !== null;
    this.bLead = split ? new Float64Array(this.lead) : new Float64Array(0);
    this.xLead = split ? new Float64Array(this.lead) : new Float64Array(0);
    this.y = this.probe;
    this.operator = {
      apply: (v, out) => {
        const { lead, probe, product, weights } = this;
        for (let i = 0; i < lead; i++) probe[i] = v[i];
        this.term.jvp(this.t, this.y, probe, product);
        if (weights) for (let i = 0; i < lead; i++) out[i] = weights[i] * (mass![i] * v[i] - this.c * product[i]);
        else for (let i = 0; i < lead; i++) out[i] = v[i] - this.c * product[i];
        for (let i = 0; i < lead; i++) probe[i] = 0;
      },
    };
    this.jacobi = {
      apply: (v, out) => {
        const weights = this.weights;
        for (let i = 0; i < v.length; i++) {
          const d = weights ? weights[i] * (mass![i] - this.c * this.diagonal[i]) : 1 - this.c * this.diagonal[i];
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
    const { weights, lead } = this;
    const split = this.bLead.length > 0;
    const bl = split ? this.bLead : b;
    const xl = split ? this.xLead : x;
    if (this.renewDiagonal || (weights && !this.hasDiagonal)) this.evaluateDiagonal(t, y);
    if (weights) {
      const mass = this.mass!;
      for (let i = 0; i < lead; i++) {
        const scale = Math.abs(this.c * this.diagonal[i]);
        weights[i] = mass[i] === 0 && scale > 0 && Number.isFinite(scale) ? 1 / scale : 1;
        bl[i] = weights[i] * b[i];
      }
    } else if (split) for (let i = 0; i < lead; i++) bl[i] = b[i];
    let outcome = this.run(bl, xl);
    if (!outcome.converged && !this.hasDiagonal) {
      this.evaluateDiagonal(t, y);
      outcome = this.run(bl, xl);
    }
    if (split) {
      for (let i = 0; i < lead; i++) x[i] = xl[i];
      if (this.quadrature > 0) this.solveQuadrature(t, y, b, x);
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
