import { firstNonFinite, type OdeTerm } from '@kirchhoff/core';
import type { NewtonSystem } from './newton-system';
import type { ImplicitSettings } from './options';

/**
 * The smallest contraction rate a stage's first iteration may assume. A rate measured in an earlier
 * stage says little about a kept Jacobian that has since aged, and trusting a tiny one accepts an
 * unconverged first iterate: this floor still lets a stage whose first update is within a few hundred
 * Newton tolerances stop after one iteration.
 */
const FIRST_CONTRACTION_FLOOR = 1e-3;

/** A failure record reused for every failed stage (StepFailure's fields are readonly to its readers). */
interface MutableFailure {
  code: string;
  message: string;
  index: number;
}

/**
 * Newton's method for one implicit stage, M·(Y − ψ) = c·f(t, Y) (Y = ψ + c·f(t, Y) for an ODE, M = I; on
 * the algebraic entries of a DAE, M_ii = 0 and the stage equation is the constraint 0 = f_i(t, Y), whatever
 * ψ and c are): residual r = M·(ψ − Y) + c·f(t, Y), update (M − c·J)⁻¹·r. Stopping rule of Hairer & Wanner
 * (Solving ODEs II, §IV.8): with contraction rate θ_k = ‖δ_k‖/‖δ_{k−1}‖ the remaining error is about
 * η·‖δ_k‖, η = θ/(1 − θ), and the iteration stops once that is below 1 in the weighted norm
 * max_i |δ_i| / (newtonRtol·|Y_i| + newtonAtol). The first iteration of a stage uses η^0.8 from the
 * last stage (as RADAU5, but bounded below), so a stage whose first update is small stops there. It
 * gives up early when θ ≥ 1 or when θ predicts no convergence within the iteration budget; a kept
 * Jacobian is then renewed and the stage retried once before the step is reported as failed.
 */
export class Newton {
  /** Why the last stage that did not converge failed. */
  readonly failure: MutableFailure = { code: 'newton-failure', message: '', index: -1 };
  private readonly f: Float64Array;
  private readonly residual: Float64Array;
  private readonly delta: Float64Array;
  private etaOld = 1;
  private theta = 0;

  constructor(
    private readonly term: OdeTerm,
    readonly system: NewtonSystem,
    private readonly settings: ImplicitSettings,
  ) {
    this.f = new Float64Array(term.size);
    this.residual = new Float64Array(term.size);
    this.delta = new Float64Array(term.size);
  }

  startStep(): void {
    this.system.startStep();
  }

  /** Solves M·(Y − ψ) = c·f(t, Y) into `out`, starting from `guess`. False (with `failure` set) when it cannot. */
  solve(t: number, c: number, psi: Float64Array, guess: Float64Array, out: Float64Array): boolean {
    for (;;) {
      out.set(guess);
      if (!this.system.begin(t, out, c)) {
        this.fail('newton-failure', `the Newton matrix ${this.system.mass ? 'M' : 'I'} − c·J is singular (c = ${c})`, -1);
      } else if (this.iterate(t, c, psi, out)) {
        this.system.converged(this.theta);
        return true;
      }
      if (!this.system.refresh()) return false;
    }
  }

  private iterate(t: number, c: number, psi: Float64Array, y: Float64Array): boolean {
    const { term, f, residual: r, delta, settings } = this;
    const { newtonRtol: rtol, newtonAtol: atol, newtonMaxIterations: maxIterations } = settings;
    let eta = Math.pow(Math.max(this.etaOld, FIRST_CONTRACTION_FLOOR), 0.8);
    let previous = 0;
    let slowest = 0;
    this.theta = 0;
    for (let k = 0; k < maxIterations; k++) {
      term.vf(t, y, f);
      const mass = this.system.mass;
      if (mass) for (let i = 0; i < r.length; i++) r[i] = mass[i] * (psi[i] - y[i]) + c * f[i];
      else for (let i = 0; i < r.length; i++) r[i] = psi[i] + c * f[i] - y[i];
      if (!this.system.solve(t, y, r, delta)) {
        this.fail('newton-failure', `the linear solve of a Newton iteration broke down (c = ${c})`, -1);
        return false;
      }
      let norm = 0;
      let worst = -1;
      for (let i = 0; i < delta.length; i++) {
        const ratio = Math.abs(delta[i]) / (atol + rtol * Math.abs(y[i]));
        if (!(ratio <= norm)) {
          norm = ratio;
          worst = i;
          if (!Number.isFinite(ratio)) break;
        }
      }
      if (!Number.isFinite(norm)) {
        const field = firstNonFinite(f);
        if (field >= 0) this.fail('nonfinite-state', 'the vector field is not finite at a Newton iterate', field);
        else this.fail('newton-failure', 'a Newton update is not finite', worst);
        return false;
      }
      if (k > 0) {
        this.theta = norm / previous;
        if (!(this.theta < 1)) {
          this.fail('newton-failure', `Newton's method diverged (contraction rate ${this.theta.toPrecision(3)} at iteration ${k + 1})`, worst);
          return false;
        }
        eta = this.theta / (1 - this.theta);
        slowest = Math.max(slowest, eta);
        // Hairer's test: θ^(iterations left)/(1 − θ)·‖δ‖ is the error the budget would leave.
        if ((Math.pow(this.theta, maxIterations - 1 - k) / (1 - this.theta)) * norm > 1) {
          this.fail(
            'newton-failure',
            `Newton's method converges too slowly to finish in ${maxIterations} iterations (contraction rate ${this.theta.toPrecision(3)})`,
            worst,
          );
          return false;
        }
      }
      for (let i = 0; i < y.length; i++) y[i] += delta[i];
      if (eta * norm <= 1 || norm === 0) {
        // The slowest contraction of this stage, not its last (often exactly 0 once converged), is what
        // the next stage's first iteration may expect: that keeps one-iteration stages to problems that
        // really are linear over a step. A stage that stopped after one iteration measured nothing: it
        // keeps the raised η (RADAU5's FACCON^0.8), so that a run of them soon forces a second iteration,
        // which measures the contraction again (and renews a kept Jacobian that has drifted). Without
        // this a stale η let one-iteration stages with an aged Jacobian through indefinitely (a diode
        // node 1e-6 V off its solution at every step pinned backward Euler's step at 4e-9 s).
        this.etaOld = k > 0 ? slowest : eta;
        return true;
      }
      previous = norm;
    }
    this.fail('newton-failure', `Newton's method did not converge in ${maxIterations} iterations`, -1);
    return false;
  }

  private fail(code: string, message: string, index: number): void {
    this.failure.code = code;
    this.failure.message = message;
    this.failure.index = index;
    // The next stage should not trust a contraction estimate from an iteration that failed.
    this.etaOld = 1;
  }
}
