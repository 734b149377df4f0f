import { KirchhoffError } from '@kirchhoff/core';
import { MAX_CHECKED_ORDER, orderConditionViolations } from './order-conditions';

export interface ButcherTableauSpec {
  /** Stage nodes c_i. */
  readonly c: readonly number[];
  /** Strictly lower triangle: a[i] lists a_i0 … a_i(i−1), so a[0] is empty. */
  readonly a: readonly (readonly number[])[];
  /** Solution weights. */
  readonly b: readonly number[];
  /** Weights of the embedded lower-order solution; its difference to b gives the error estimate. */
  readonly bHat?: readonly number[];
  /** Order of the solution. */
  readonly order: number;
  /** Order of the embedded solution. */
  readonly embeddedOrder?: number;
}

/**
 * An explicit Runge–Kutta tableau that validates itself when built, like diffrax's: rows sum to c,
 * b sums to 1, the error weights b − b̂ sum to 0, and b (and b̂) meet the order conditions of their
 * declared orders (up to 5). A mistyped coefficient therefore fails at import, not in a solve.
 */
export class ButcherTableau {
  readonly stages: number;
  readonly c: readonly number[];
  readonly a: readonly (readonly number[])[];
  readonly b: readonly number[];
  readonly bHat: readonly number[] | undefined;
  /** b − b̂, element by element: yError = dt·Σ errorWeights_j·k_j. */
  readonly errorWeights: readonly number[] | undefined;
  readonly order: number;
  readonly embeddedOrder: number | undefined;
  /**
   * First same as last: the last stage is evaluated at (t1, y1), so an accepted step's last
   * derivative is the next step's first.
   */
  readonly fsal: boolean;

  private constructor(spec: ButcherTableauSpec) {
    this.stages = spec.c.length;
    this.c = [...spec.c];
    this.a = spec.a.map((row) => [...row]);
    this.b = [...spec.b];
    this.bHat = spec.bHat && [...spec.bHat];
    this.errorWeights = spec.bHat && spec.b.map((bi, i) => bi - spec.bHat![i]);
    this.order = spec.order;
    this.embeddedOrder = spec.embeddedOrder;
    const s = this.stages;
    this.fsal = s > 1 && this.c[s - 1] === 1 && this.b[s - 1] === 0 && (this.a[s - 1] ?? []).every((x, j) => x === this.b[j]);
  }

  /** Builds and checks a tableau; throws `invalid-tableau` listing every problem. */
  static define(name: string, spec: ButcherTableauSpec): ButcherTableau {
    const shape = shapeProblems(spec);
    if (shape.length) throw invalid(name, shape);
    const tableau = new ButcherTableau(spec);
    const problems = tableau.check();
    if (problems.length) throw invalid(name, problems);
    return tableau;
  }

  /** Every violated consistency or order condition, as readable lines. */
  check(): string[] {
    const problems: string[] = [];
    const { c, a, b, bHat, errorWeights } = this;
    a.forEach((row, i) => {
      const sum = row.reduce((s, x) => s + x, 0);
      const size = row.reduce((s, x) => s + Math.abs(x), 0);
      if (Math.abs(sum - c[i]) > 1e-14 * (1 + size)) problems.push(`row ${i} of A sums to ${sum}, but c[${i}] = ${c[i]}`);
    });
    const full = a.map((row) => c.map((_, j) => (j < row.length ? row[j] : 0)));
    if (this.order > MAX_CHECKED_ORDER) problems.push(`order ${this.order} is above the checked maximum ${MAX_CHECKED_ORDER}`);
    problems.push(...orderConditionViolations(full, c, b, this.order, 'b'));
    if (bHat && errorWeights) {
      if (this.embeddedOrder === undefined) problems.push('b̂ is given without embeddedOrder');
      else problems.push(...orderConditionViolations(full, c, bHat, this.embeddedOrder, 'b̂'));
      const errorSum = errorWeights.reduce((s, x) => s + x, 0);
      if (Math.abs(errorSum) > 1e-14) problems.push(`error weights b − b̂ sum to ${errorSum}, not 0`);
    }
    return problems;
  }
}

function shapeProblems(spec: ButcherTableauSpec): string[] {
  const s = spec.c.length;
  const problems: string[] = [];
  if (s === 0) problems.push('a tableau needs at least one stage');
  if (spec.a.length !== s) problems.push(`A has ${spec.a.length} rows for ${s} stages`);
  spec.a.forEach((row, i) => {
    if (row.length !== i) problems.push(`row ${i} of A has ${row.length} entries; an explicit method has ${i}`);
  });
  if (spec.b.length !== s) problems.push(`b has ${spec.b.length} weights for ${s} stages`);
  if (spec.bHat && spec.bHat.length !== s) problems.push(`b̂ has ${spec.bHat.length} weights for ${s} stages`);
  if (spec.c[0] !== 0) problems.push(`an explicit method starts at c[0] = 0, got ${spec.c[0]}`);
  if (!(Number.isInteger(spec.order) && spec.order > 0)) problems.push(`order ${spec.order} is not a positive whole number`);
  const numbers = [...spec.c, ...spec.a.flat(), ...spec.b, ...(spec.bHat ?? [])];
  if (numbers.some((x) => !Number.isFinite(x))) problems.push('every coefficient must be finite');
  return problems;
}

function invalid(name: string, problems: readonly string[]): KirchhoffError {
  return new KirchhoffError('invalid-tableau', `tableau '${name}' is inconsistent:\n${problems.join('\n')}`, { problems });
}
