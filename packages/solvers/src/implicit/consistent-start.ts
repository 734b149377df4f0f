import { DenseLu, describeStateIndex, firstNonFinite, jacobianStructure, KirchhoffError, type JacobianTerm } from '@kirchhoff/core';
import type { ImplicitSettings } from './options';

/** Newton iterations for the algebraic entries at t0 (each damped by up to HALVINGS halvings). */
const MAX_ITERATIONS = 50;
const HALVINGS = 12;

/**
 * Consistent initial values of an index-1 DAE M·y' = f(t, y), M = diag(1 on differential entries, 0 on
 * algebraic ones): with the differential entries y_d held at their initial values, the algebraic ones
 * are solved from their constraints
 *   f_a(t0, y_d, y_a) = 0
 * by damped Newton (each update halved until every sample's largest residual stops growing, as the DC
 * operating point does), J_aa = ∂f_a/∂y_a assembled dense per sample from one Jacobian–vector product per
 * algebraic row (e_j in every sample at once) and factored by LU: n_a products and n_a³/3 flops per
 * sample and iteration, meant for circuits with tens to hundreds of algebraic nodes, not thousands.
 * A singular J_aa (a node its branches do not determine) raises `singular-circuit` naming the entry.
 *
 * The algebraic entries' derivative at t0, which the methods' predictors, the dense output of the first
 * step and the first-step heuristic use, follows from differentiating the constraint along the solution:
 *   ∂f_a/∂t + J_ad·y_d' + J_aa·y_a' = 0  ⇒  y_a' = −J_aa⁻¹·(J_ad·f_d + ∂f_a/∂t),
 * J_ad·f_d from one product with f_d (algebraic entries zeroed), ∂f_a/∂t from one difference in t (exactly 0
 * for the autonomous circuit equations).
 */
export class ConsistentStart {
  private readonly samples: number;
  /** Rows (within a sample block) that are algebraic. */
  private readonly rows: Int32Array;
  private readonly factors: DenseLu[];
  private readonly f: Float64Array;
  private readonly trialF: Float64Array;
  private readonly trial: Float64Array;
  private readonly probe: Float64Array;
  private readonly product: Float64Array;
  /** Newton updates of the algebraic entries, k·S + s for row rows[k] of sample s. */
  private readonly delta: Float64Array;
  private readonly residual: Float64Array;
  private readonly trialResidual: Float64Array;
  private readonly lambda: Float64Array;
  private readonly accepted: Uint8Array;

  constructor(
    private readonly term: JacobianTerm,
    mass: Float64Array,
    private readonly settings: ImplicitSettings,
  ) {
    const { samples, quadrature } = jacobianStructure(term);
    this.samples = samples;
    const rows = (term.size - quadrature) / samples;
    this.rows = Int32Array.from({ length: rows }, (_, r) => r).filter((r) => mass[r * samples] === 0);
    const count = this.rows.length;
    this.factors = Array.from({ length: samples }, () => new DenseLu(count));
    const buffer = (n = term.size) => new Float64Array(n);
    this.f = buffer();
    this.trialF = buffer();
    this.trial = buffer();
    this.probe = buffer();
    this.product = buffer();
    this.delta = buffer(count * samples);
    this.residual = buffer(samples);
    this.trialResidual = buffer(samples);
    this.lambda = buffer(samples);
    this.accepted = new Uint8Array(samples);
  }

  /**
   * Moves the algebraic entries of `y` onto their constraints at t0 (in place) and writes f(t0, y) into
   * `f0`, with its algebraic entries replaced by their consistent derivative.
   */
  solve(t0: number, y: Float64Array, f0: Float64Array): void {
    const { term, rows, samples: S, f, delta, settings } = this;
    this.evaluate(t0, y, f, this.residual);
    const bad = firstNonFinite(f);
    if (bad >= 0) throw this.error('nonfinite-state', `the vector field is not finite at the initial state (${describeStateIndex(term, bad)})`);
    let converged = false;
    for (let iteration = 0; iteration < MAX_ITERATIONS && !converged; iteration++) {
      this.assemble(t0, y);
      for (let k = 0; k < rows.length; k++) for (let s = 0; s < S; s++) delta[k * S + s] = -f[rows[k] * S + s];
      for (let s = 0; s < S; s++) this.factors[s].solve(delta, s, S);
      let size = 0;
      for (let k = 0; k < rows.length; k++) {
        for (let s = 0; s < S; s++) {
          const i = rows[k] * S + s;
          size = Math.max(size, Math.abs(delta[k * S + s]) / (settings.newtonAtol + settings.newtonRtol * Math.abs(y[i])));
        }
      }
      converged = size <= 1;
      this.dampedUpdate(t0, y);
    }
    if (!converged) {
      let worst = 0;
      let entry = -1;
      for (const r of rows) {
        for (let s = 0; s < S; s++) {
          if (!(Math.abs(f[r * S + s]) <= worst)) {
            worst = Math.abs(f[r * S + s]);
            entry = r * S + s;
          }
        }
      }
      throw this.error(
        'newton-failure',
        `Newton's method on the algebraic entries did not converge in ${MAX_ITERATIONS} iterations; largest constraint residual ${worst.toExponential(3)} at ${describeStateIndex(term, entry)}`,
      );
    }
    this.derivative(t0, y, f0);
  }

  /** y + λ_s·δ, each sample's λ_s halved until its largest residual does not grow; f becomes f(t0, y). */
  private dampedUpdate(t0: number, y: Float64Array): void {
    const { rows, samples: S, delta, trial, trialF, lambda, accepted, residual, trialResidual } = this;
    lambda.fill(1);
    accepted.fill(0);
    trial.set(y);
    for (let halving = 0; halving <= HALVINGS; halving++) {
      for (let k = 0; k < rows.length; k++) {
        for (let s = 0; s < S; s++) if (!accepted[s]) trial[rows[k] * S + s] = y[rows[k] * S + s] + lambda[s] * delta[k * S + s];
      }
      this.evaluate(t0, trial, trialF, trialResidual);
      let all = true;
      for (let s = 0; s < S; s++) {
        if (accepted[s]) continue;
        if (trialResidual[s] <= residual[s] || halving === HALVINGS) accepted[s] = 1;
        else {
          lambda[s] /= 2;
          all = false;
        }
      }
      if (all) break;
    }
    for (let s = 0; s < S; s++) {
      if (!Number.isFinite(trialResidual[s])) {
        throw this.error('newton-failure', `the constraints are not finite anywhere along the Newton update of sample ${s}, however damped`);
      }
    }
    y.set(trial);
    this.f.set(trialF);
    residual.set(trialResidual);
  }

  /** f(t, y) into `out`, and each sample's largest |f| over the algebraic entries (∞ if not finite). */
  private evaluate(t: number, y: Float64Array, out: Float64Array, norms: Float64Array): void {
    const { rows, samples: S } = this;
    this.term.vf(t, y, out);
    norms.fill(0);
    for (const r of rows) {
      for (let s = 0; s < S; s++) {
        const v = Math.abs(out[r * S + s]);
        norms[s] = Number.isFinite(v) ? Math.max(norms[s], v) : Number.POSITIVE_INFINITY;
      }
    }
  }

  /** J_aa of every sample into its LU, one product per algebraic row; singular → `singular-circuit`. */
  private assemble(t: number, y: Float64Array): void {
    const { rows, samples: S, probe, product, factors } = this;
    const n = rows.length;
    for (let j = 0; j < n; j++) {
      for (let s = 0; s < S; s++) probe[rows[j] * S + s] = 1;
      this.term.jvp(t, y, probe, product);
      for (let s = 0; s < S; s++) probe[rows[j] * S + s] = 0;
      for (let i = 0; i < n; i++) for (let s = 0; s < S; s++) factors[s].matrix[i * n + j] = product[rows[i] * S + s];
    }
    for (let s = 0; s < S; s++) {
      const column = factors[s].factor();
      if (column >= 0) {
        throw this.error(
          'singular-circuit',
          `the Jacobian of the algebraic constraints is singular at t = ${t}: with the other entries held, nothing determines ${describeStateIndex(this.term, rows[column] * S + s)} ` +
            '(for a circuit: the node has no capacitance and its branches do not fix its voltage, so the system is not of index 1); connect it through a conductance or give it a capacitance',
        );
      }
    }
  }

  /** f0 = f(t0, y) with y_a' = −J_aa⁻¹·(J_ad·f_d + ∂f_a/∂t) on the algebraic entries. */
  private derivative(t0: number, y: Float64Array, f0: Float64Array): void {
    const { rows, samples: S, f, probe, product, delta, trialF } = this;
    this.assemble(t0, y);
    f0.set(f);
    probe.set(f);
    for (const r of rows) probe.fill(0, r * S, (r + 1) * S);
    this.term.jvp(t0, y, probe, product);
    probe.fill(0);
    const dt = 1e-7 * Math.max(1, Math.abs(t0));
    this.term.vf(t0 + dt, y, trialF);
    for (let k = 0; k < rows.length; k++) {
      for (let s = 0; s < S; s++) {
        const i = rows[k] * S + s;
        delta[k * S + s] = -(product[i] + (trialF[i] - f[i]) / dt);
      }
    }
    for (let s = 0; s < S; s++) this.factors[s].solve(delta, s, S);
    for (let k = 0; k < rows.length; k++) for (let s = 0; s < S; s++) f0[rows[k] * S + s] = delta[k * S + s];
  }

  private error(code: string, reason: string): KirchhoffError {
    return new KirchhoffError(code, `consistent initial values: ${reason}`);
  }
}
