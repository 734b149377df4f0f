import { KirchhoffError, type DenseOutput, type ReversibleStepper, type OdeTerm, type Solver, type SolverTolerance, type StepResult } from '@kirchhoff/core';
import type { RkInterpolation } from './interpolation';
import { linearCombination } from './linear-combination';
import { createStepVjp } from './step-vjp';
import type { ButcherTableau } from './tableau';

export interface ExplicitRkDefinition {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly description: string;
  readonly citation: string;
  readonly tableau: ButcherTableau;
  readonly interpolation: RkInterpolation;
  /** The controller configs get unless they name one. */
  readonly defaultController: string;
  readonly tolerance?: SolverTolerance;
}

/** Per-solve state. Two of them alternate under FSAL, one per buffer that can hold the next step's k1. */
export interface ExplicitRkState {
  readonly workspace: Workspace;
  /** f(t0, y0) of the next step, carried over from the last accepted step (FSAL methods only). */
  readonly f0: Float64Array | undefined;
}

export interface ExplicitRkSolver extends Solver<ExplicitRkState>, ReversibleStepper {
  readonly tableau: ButcherTableau;
  readonly interpolation: RkInterpolation;
}

/** Nonzero entries of a weight row, found once per method so that steps skip the zeros. */
interface SparseRow {
  readonly indices: Int32Array;
  readonly weights: Float64Array;
}

function sparse(row: readonly number[]): SparseRow {
  const indices = [...row.keys()].filter((j) => row[j] !== 0);
  return { indices: Int32Array.from(indices), weights: Float64Array.from(indices, (j) => row[j]) };
}

interface Plan {
  readonly tableau: ButcherTableau;
  readonly interpolation: RkInterpolation;
  readonly rows: readonly SparseRow[];
  readonly solution: SparseRow;
  readonly error: SparseRow | undefined;
}

/** Everything one solve needs, allocated once by `init`; steps only write into it. */
class Workspace {
  readonly k: Float64Array[];
  readonly derivatives: readonly [Float64Array, Float64Array];
  readonly outputs: readonly [Float64Array, Float64Array];
  readonly stageInput: Float64Array;
  readonly yError: Float64Array | undefined;
  readonly states: readonly ExplicitRkState[];
  readonly dense: RkDenseOutput;
  readonly result: { y1: Float64Array; yError: Float64Array | undefined; dense: DenseOutput; state: ExplicitRkState };

  constructor(plan: Plan, size: number) {
    const { stages, fsal } = plan.tableau;
    const buffer = (): Float64Array => new Float64Array(size);
    this.k = Array.from({ length: stages }, buffer);
    // Under FSAL the first and last stage buffers swap roles every accepted step.
    this.derivatives = [this.k[0], this.k[stages - 1]];
    this.outputs = [buffer(), buffer()];
    this.stageInput = buffer();
    this.yError = plan.error ? buffer() : undefined;
    this.states = fsal
      ? [
          { workspace: this, f0: this.derivatives[0] },
          { workspace: this, f0: this.derivatives[1] },
        ]
      : [{ workspace: this, f0: undefined }];
    this.dense = new RkDenseOutput(plan.interpolation, this.k);
    this.result = { y1: this.outputs[0], yError: this.yError, dense: this.dense, state: this.states[0] };
  }
}

class RkDenseOutput implements DenseOutput {
  t0 = 0;
  t1 = 0;
  private y0: Float64Array = new Float64Array(0);
  private y1: Float64Array = new Float64Array(0);

  constructor(
    private readonly interpolation: RkInterpolation,
    private readonly k: readonly Float64Array[],
  ) {}

  reset(t0: number, t1: number, y0: Float64Array, y1: Float64Array): void {
    this.t0 = t0;
    this.t1 = t1;
    this.y0 = y0;
    this.y1 = y1;
  }

  evaluate(t: number, out: Float64Array): void {
    const h = this.t1 - this.t0;
    this.interpolation.evaluate((t - this.t0) / h, h, this.y0, this.y1, this.k, out);
  }
}

/**
 * The one explicit Runge–Kutta stepping loop; each method is a tableau plus an interpolant handed
 * to this factory. Stage i is evaluated at t0 + c_i·h, except c_i = 1, which uses t1 itself (as
 * torchdiffeq does) so that the last stage sits exactly on the step's end.
 */
export function explicitRk(definition: ExplicitRkDefinition): ExplicitRkSolver {
  const { tableau, interpolation } = definition;
  const plan: Plan = {
    tableau,
    interpolation,
    rows: tableau.a.map(sparse),
    solution: sparse(tableau.b),
    error: tableau.errorWeights && sparse(tableau.errorWeights),
  };
  const { stages, fsal, c } = tableau;

  return {
    name: definition.name,
    ...(definition.aliases && { aliases: definition.aliases }),
    tableau,
    interpolation,
    meta: {
      description: definition.description,
      order: tableau.order,
      errorOrder: plan.error ? tableau.embeddedOrder : undefined,
      denseOrder: interpolation.order,
      adaptive: plan.error !== undefined,
      fsal,
      defaultController: definition.defaultController,
      tolerance: definition.tolerance ?? { orderSlack: 0.2, errorPerTolerance: 100 },
      options: {},
      citation: definition.citation,
    },

    init(term, t0, y0) {
      if (y0.length !== term.size) {
        throw new KirchhoffError('invalid-initial-state', `y0 has ${y0.length} entries, the term ${term.size}`);
      }
      const workspace = new Workspace(plan, term.size);
      if (fsal) term.vf(t0, y0, workspace.derivatives[0]);
      return workspace.states[0];
    },

    step(term: OdeTerm, t0: number, t1: number, y0: Float64Array, state: ExplicitRkState): StepResult<ExplicitRkState> {
      const ws = state.workspace;
      const { k, result } = ws;
      const h = t1 - t0;
      const y1 = y0 === ws.outputs[0] ? ws.outputs[1] : ws.outputs[0];
      let next = state;
      if (fsal) {
        // k1 is the carried-over derivative; the last stage writes into the other buffer, so a
        // rejected step leaves the carried-over one intact for the retry.
        const slot = state.f0 === ws.derivatives[0] ? 0 : 1;
        k[0] = ws.derivatives[slot];
        k[stages - 1] = ws.derivatives[1 - slot];
        next = ws.states[1 - slot];
      } else {
        term.vf(t0, y0, k[0]);
      }
      for (let i = 1; i < stages; i++) {
        // Under FSAL the last stage's input is y1 itself.
        const input = fsal && i === stages - 1 ? y1 : ws.stageInput;
        const row = plan.rows[i];
        linearCombination(input, y0, row.indices, row.weights, h, k);
        term.vf(c[i] === 1 ? t1 : t0 + c[i] * h, input, k[i]);
      }
      if (!fsal) linearCombination(y1, y0, plan.solution.indices, plan.solution.weights, h, k);
      if (plan.error) linearCombination(ws.yError!, undefined, plan.error.indices, plan.error.weights, h, k);
      ws.dense.reset(t0, t1, y0, y1);
      result.y1 = y1;
      result.state = next;
      return result;
    },

    func(term, t, y, out) {
      term.vf(t, y, out);
    },

    initialDerivative(state) {
      return state.f0;
    },

    stepVjp: createStepVjp(tableau, interpolation),

    selfCheck() {
      return [...tableau.check(), ...(interpolation.check?.(tableau) ?? [])];
    },
  };
}
