/**
 * The functions a branch law may call, each with how to emit it as JavaScript and how to differentiate it.
 *
 * Two sources of derivatives: mathjs's own `derivative` knows the elementary functions (`mathjsKnows`),
 * and everything else carries explicit partials here. Rules defined here take precedence, which is how
 * we replace mathjs's `abs(x)/x` (undefined at 0) with `sign(x)`. A plugin adds a function by
 * registering another `FunctionRule`; the engine never needs editing.
 */
export interface FunctionRule {
  readonly name: string;
  /** Formal parameter names, used in `definition` and `partials`. */
  readonly params: readonly string[];
  /**
   * The value as an expression of `params` in the branch-law language, inlined by the compiler.
   * Omitted for functions that map directly onto a JavaScript `Math` function (`jsName`).
   */
  readonly definition?: string;
  /** A `Math` function with the same meaning, when there is one. */
  readonly jsName?: string;
  /**
   * ∂f/∂param_i for each formal parameter, as expressions of `params`. Omitted: the engine differentiates
   * `definition` when there is one, else mathjs differentiates f itself (elementary functions).
   */
  readonly partials?: readonly string[];
  /** Scalar implementation, used only for reference evaluation (tests, mathjs cross-checks). */
  readonly evaluate: (...args: number[]) => number;
  readonly description: string;
}

const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

/** Elementary functions: JavaScript has them, mathjs differentiates them. */
const elementary: FunctionRule[] = [
  ['exp', Math.exp],
  ['log', Math.log],
  ['sqrt', Math.sqrt],
  ['cbrt', Math.cbrt],
  ['sin', Math.sin],
  ['cos', Math.cos],
  ['tan', Math.tan],
  ['asin', Math.asin],
  ['acos', Math.acos],
  ['atan', Math.atan],
  ['sinh', Math.sinh],
  ['cosh', Math.cosh],
  ['tanh', Math.tanh],
  ['asinh', Math.asinh],
  ['acosh', Math.acosh],
  ['atanh', Math.atanh],
].map(([name, fn]) => ({
  name: name as string,
  params: ['x'],
  jsName: `Math.${name as string}`,
  evaluate: fn as (x: number) => number,
  description: `${name as string}(x)`,
}));

/** Functions that mathjs's derivative may emit (reciprocal trig/hyperbolic), expressed for codegen. */
const emittedByDerivative: FunctionRule[] = [
  { name: 'sech', params: ['x'], definition: '1 / cosh(x)', evaluate: (x) => 1 / Math.cosh(x), description: 'hyperbolic secant' },
  { name: 'csch', params: ['x'], definition: '1 / sinh(x)', evaluate: (x) => 1 / Math.sinh(x), description: 'hyperbolic cosecant' },
  { name: 'coth', params: ['x'], definition: '1 / tanh(x)', evaluate: (x) => 1 / Math.tanh(x), description: 'hyperbolic cotangent' },
  { name: 'sec', params: ['x'], definition: '1 / cos(x)', evaluate: (x) => 1 / Math.cos(x), description: 'secant' },
  { name: 'csc', params: ['x'], definition: '1 / sin(x)', evaluate: (x) => 1 / Math.sin(x), description: 'cosecant' },
  { name: 'cot', params: ['x'], definition: '1 / tan(x)', evaluate: (x) => 1 / Math.tan(x), description: 'cotangent' },
];

/**
 * Functions with rules of our own. Kinks take the one-sided derivative of the right (x > 0) side
 * for relu-like functions at exactly 0 being excluded, i.e. relu'(0) = 0, matching PyTorch's autograd.
 */
const ownRules: FunctionRule[] = [
  { name: 'abs', params: ['x'], jsName: 'Math.abs', partials: ['sign(x)'], evaluate: Math.abs, description: '|x|; derivative sign(x), 0 at 0' },
  { name: 'sign', params: ['x'], jsName: 'Math.sign', partials: ['0'], evaluate: sign, description: 'sign of x (0 at 0)' },
  { name: 'step', params: ['x'], definition: 'x > 0 ? 1 : 0', partials: ['0'], evaluate: (x) => (x > 0 ? 1 : 0), description: 'Heaviside step, 0 at 0' },
  { name: 'relu', params: ['x'], definition: 'x > 0 ? x : 0', partials: ['x > 0 ? 1 : 0'], evaluate: (x) => (x > 0 ? x : 0), description: 'max(x, 0); derivative 0 at 0 as in PyTorch' },
  {
    name: 'leaky_relu',
    params: ['x'],
    definition: 'x > 0 ? x : 0.01 * x',
    partials: ['x > 0 ? 1 : 0.01'],
    evaluate: (x) => (x > 0 ? x : 0.01 * x),
    description: 'leaky ReLU with slope 0.01 (PyTorch default)',
  },
  {
    name: 'leaky_relu_slope',
    params: ['x', 'a'],
    definition: 'x > 0 ? x : a * x',
    partials: ['x > 0 ? 1 : a', 'x > 0 ? 0 : x'],
    evaluate: (x, a) => (x > 0 ? x : a * x),
    description: 'leaky ReLU with slope a',
  },
  { name: 'sigmoid', params: ['x'], definition: '1 / (1 + exp(-x))', partials: ['sigmoid(x) * (1 - sigmoid(x))'], evaluate: sigmoid, description: 'logistic sigmoid' },
  {
    name: 'softplus',
    params: ['x'],
    definition: 'x > 0 ? x + log1p(exp(-x)) : log1p(exp(x))',
    partials: ['sigmoid(x)'],
    evaluate: softplus,
    description: 'log(1 + e^x), evaluated without overflow',
  },
  { name: 'log1p', params: ['x'], jsName: 'Math.log1p', partials: ['1 / (1 + x)'], evaluate: Math.log1p, description: 'log(1 + x), accurate near 0' },
  { name: 'expm1', params: ['x'], jsName: 'Math.expm1', partials: ['exp(x)'], evaluate: Math.expm1, description: 'e^x − 1, accurate near 0' },
  { name: 'max', params: ['a', 'b'], definition: 'a >= b ? a : b', partials: ['a >= b ? 1 : 0', 'a >= b ? 0 : 1'], evaluate: (a, b) => (a >= b ? a : b), description: 'larger of two values' },
  { name: 'min', params: ['a', 'b'], definition: 'a <= b ? a : b', partials: ['a <= b ? 1 : 0', 'a <= b ? 0 : 1'], evaluate: (a, b) => (a <= b ? a : b), description: 'smaller of two values' },
  {
    name: 'clamp',
    params: ['x', 'lo', 'hi'],
    definition: 'x < lo ? lo : (x > hi ? hi : x)',
    partials: ['x < lo ? 0 : (x > hi ? 0 : 1)', 'x < lo ? 1 : 0', 'x > hi ? 1 : 0'],
    evaluate: (x, lo, hi) => (x < lo ? lo : x > hi ? hi : x),
    description: 'x limited to [lo, hi]',
  },
  {
    name: 'pow',
    params: ['x', 'y'],
    definition: 'x ^ y',
    partials: ['y * x ^ (y - 1)', 'x ^ y * log(x)'],
    evaluate: Math.pow,
    description: 'x to the power y',
  },
  { name: 'square', params: ['x'], definition: 'x * x', partials: ['2 * x'], evaluate: (x) => x * x, description: 'x²' },
];

export const builtinFunctionRules: readonly FunctionRule[] = [...elementary, ...emittedByDerivative, ...ownRules];

/** Names of functions whose derivative mathjs computes itself. */
export function mathjsDifferentiates(rule: FunctionRule): boolean {
  return rule.partials === undefined;
}
