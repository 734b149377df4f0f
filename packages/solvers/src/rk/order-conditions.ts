/**
 * The Runge–Kutta order conditions up to order 5, one per rooted tree (Butcher; Hairer, Nørsett &
 * Wanner, Solving ODEs I, §II.2): Σ b_i Φ_i(t) = 1/γ(t). A single mistyped digit in a tableau
 * breaks at least one of them, so checking them catches what row sums alone would miss.
 */

type Vector = readonly number[];

interface OrderCondition {
  readonly order: number;
  readonly label: string;
  readonly inverseGamma: number;
  /** Φ(t) as a stage vector, from the tableau's A and c. */
  phi(a: readonly Vector[], c: Vector): Vector;
}

const times = (u: Vector, v: Vector): Vector => u.map((x, i) => x * v[i]);
const matVec = (a: readonly Vector[], v: Vector): Vector => a.map((row) => row.reduce((s, x, j) => s + x * v[j], 0));
const power = (c: Vector, p: number): Vector => c.map((x) => x ** p);

const CONDITIONS: readonly OrderCondition[] = [
  { order: 1, label: 'Σb = 1', inverseGamma: 1, phi: (_a, c) => c.map(() => 1) },
  { order: 2, label: 'b·c = 1/2', inverseGamma: 1 / 2, phi: (_a, c) => c },
  { order: 3, label: 'b·c² = 1/3', inverseGamma: 1 / 3, phi: (_a, c) => power(c, 2) },
  { order: 3, label: 'b·Ac = 1/6', inverseGamma: 1 / 6, phi: (a, c) => matVec(a, c) },
  { order: 4, label: 'b·c³ = 1/4', inverseGamma: 1 / 4, phi: (_a, c) => power(c, 3) },
  { order: 4, label: 'b·(c∘Ac) = 1/8', inverseGamma: 1 / 8, phi: (a, c) => times(c, matVec(a, c)) },
  { order: 4, label: 'b·Ac² = 1/12', inverseGamma: 1 / 12, phi: (a, c) => matVec(a, power(c, 2)) },
  { order: 4, label: 'b·A²c = 1/24', inverseGamma: 1 / 24, phi: (a, c) => matVec(a, matVec(a, c)) },
  { order: 5, label: 'b·c⁴ = 1/5', inverseGamma: 1 / 5, phi: (_a, c) => power(c, 4) },
  { order: 5, label: 'b·(c²∘Ac) = 1/10', inverseGamma: 1 / 10, phi: (a, c) => times(power(c, 2), matVec(a, c)) },
  { order: 5, label: 'b·(c∘Ac²) = 1/15', inverseGamma: 1 / 15, phi: (a, c) => times(c, matVec(a, power(c, 2))) },
  { order: 5, label: 'b·(c∘A²c) = 1/30', inverseGamma: 1 / 30, phi: (a, c) => times(c, matVec(a, matVec(a, c))) },
  { order: 5, label: 'b·(Ac∘Ac) = 1/20', inverseGamma: 1 / 20, phi: (a, c) => times(matVec(a, c), matVec(a, c)) },
  { order: 5, label: 'b·Ac³ = 1/20', inverseGamma: 1 / 20, phi: (a, c) => matVec(a, power(c, 3)) },
  { order: 5, label: 'b·A(c∘Ac) = 1/40', inverseGamma: 1 / 40, phi: (a, c) => matVec(a, times(c, matVec(a, c))) },
  { order: 5, label: 'b·A²c² = 1/60', inverseGamma: 1 / 60, phi: (a, c) => matVec(a, matVec(a, power(c, 2))) },
  { order: 5, label: 'b·A³c = 1/120', inverseGamma: 1 / 120, phi: (a, c) => matVec(a, matVec(a, matVec(a, c))) },
];

/** The highest order these conditions can certify. */
export const MAX_CHECKED_ORDER = 5;

/**
 * Violated conditions for weights `b` up to `order`, as readable lines. `a` is the full square
 * matrix (zeros on and above the diagonal). Tolerance: 1e-12 relative to the size of the terms,
 * enough for coefficients published as 16-digit decimals.
 */
export function orderConditionViolations(a: readonly Vector[], c: Vector, b: Vector, order: number, what: string): string[] {
  const violations: string[] = [];
  for (const condition of CONDITIONS) {
    if (condition.order > order) continue;
    const phi = condition.phi(a, c);
    let sum = 0;
    let magnitude = 0;
    for (let i = 0; i < b.length; i++) {
      sum += b[i] * phi[i];
      magnitude += Math.abs(b[i] * phi[i]);
    }
    const residual = sum - condition.inverseGamma;
    if (Math.abs(residual) > 1e-12 * (1 + magnitude)) {
      violations.push(`${what} breaks order-${condition.order} condition ${condition.label} (residual ${residual.toExponential(2)})`);
    }
  }
  return violations;
}
