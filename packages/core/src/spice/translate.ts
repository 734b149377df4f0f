import * as mathjs from 'mathjs';
import { KirchhoffError } from '../errors';
import type { CompiledBranchType } from '../symbolic/branch-type';
import { CONSTANTS } from '../symbolic/expression';
import type { FunctionTable } from '../symbolic/function-table';
import { builtinFunctionRules, type FunctionRule } from '../symbolic/functions';
import { fold } from '../symbolic/fold';
import { asConditional, asFunction, asOperator, constant, constantValue, stripParentheses, substitute, symbolName, symbolsOf, type Node } from '../symbolic/tree';

/**
 * Branch laws as ngspice B-source expressions.
 *
 * The law's parsed tree (never its text) is printed in ngspice's expression syntax: built-in functions
 * that ngspice has map onto its names (`log` → `ln`, `sign` → `sgn`), functions with a `definition`
 * (relu, softplus, max, …) are inlined as the compiler inlines them, and powers pick `pow` or `pwr` so
 * that x^n keeps its sign for odd integer n (ngspice's `pow(x, y)` and `^` are |x|^y). Every subtree
 * that reads no voltage is evaluated once per edge and printed as a number, so an edge's expression
 * holds its parameters as literals: `tanh(0.5 * v(1) + (-0.3) * v(2) + 0.1)`.
 */

/** ngspice forms of the built-in functions that are not inlined from a definition; `x` is the argument. */
export const SPICE_FUNCTION_FORMS: Readonly<Record<string, string>> = {
  exp: 'exp(x)',
  log: 'ln(x)',
  sqrt: 'sqrt(x)',
  cbrt: 'pwr(x, 1 / 3)',
  sin: 'sin(x)',
  cos: 'cos(x)',
  tan: 'tan(x)',
  asin: 'asin(x)',
  acos: 'acos(x)',
  atan: 'atan(x)',
  sinh: 'sinh(x)',
  cosh: 'cosh(x)',
  tanh: 'tanh(x)',
  asinh: 'asinh(x)',
  acosh: 'acosh(x)',
  atanh: 'atanh(x)',
  abs: 'abs(x)',
  sign: 'sgn(x)',
  log1p: 'ln(1 + x)',
  expm1: 'exp(x) - 1',
};

/** How the netlist writes ground's voltage. */
export const GROUND = '0';

const BUILTIN = new Map(builtinFunctionRules.map((r) => [r.name, r] as const));

/** How one edge's expression is printed: its parameter values and the text standing for vs and vd. */
export interface SpiceEdge {
  readonly theta: (k: number) => number;
  /** The terminal voltages' text, e.g. `v(3)`; ground is `'0'`, which is folded away (θ·vs + … loses θ·0). */
  readonly vs: string;
  readonly vd: string;
  /**
   * For elements with more than two ports (controlled sources): every port's text in port order; it
   * replaces vs and vd, and a grounded port is printed as 0 rather than folded away.
   */
  readonly ports?: readonly string[];
}

export interface SpiceLaw {
  /** The branch type's id. */
  readonly type: string;
  /** The law with symbols, in ngspice syntax (`vs`, `vd` and parameter names left as names), for comments. */
  readonly text: string;
  /** The B-source current expression of one edge. Throws `spice-nonfinite` for a NaN or infinite literal. */
  expression(edge: SpiceEdge): string;
}

/** A printed subexpression and its precedence (higher binds tighter). */
interface Printed {
  readonly text: string;
  readonly prec: number;
}
type Emit = (edge: SpiceEdge) => Printed;
type Evaluate = (theta: (k: number) => number) => number;

const PREC = { ternary: 0, or: 1, and: 2, compare: 3, add: 4, mul: 5, unary: 6, pow: 7, atom: 8 } as const;
/** A function argument: anything but a bare conditional (`f(c ? a : b)` is written `f((c ? a : b))`). */
const ARGUMENT = PREC.ternary + 1;
const BINARY: Record<string, { op: string; prec: number }> = {
  add: { op: '+', prec: PREC.add },
  subtract: { op: '-', prec: PREC.add },
  multiply: { op: '*', prec: PREC.mul },
  divide: { op: '/', prec: PREC.mul },
  larger: { op: '>', prec: PREC.compare },
  smaller: { op: '<', prec: PREC.compare },
  largerEq: { op: '>=', prec: PREC.compare },
  smallerEq: { op: '<=', prec: PREC.compare },
  equal: { op: '==', prec: PREC.compare },
  unequal: { op: '!=', prec: PREC.compare },
  and: { op: '&&', prec: PREC.and },
  or: { op: '||', prec: PREC.or },
};
const NUMERIC: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  subtract: (a, b) => a - b,
  multiply: (a, b) => a * b,
  divide: (a, b) => a / b,
  pow: (a, b) => Math.pow(a, b),
  larger: (a, b) => +(a > b),
  smaller: (a, b) => +(a < b),
  largerEq: (a, b) => +(a >= b),
  smallerEq: (a, b) => +(a <= b),
  equal: (a, b) => +(a === b),
  unequal: (a, b) => +(a !== b),
  and: (a, b) => +(a !== 0 && b !== 0),
  or: (a, b) => +(a !== 0 || b !== 0),
};

/** A number as ngspice reads it: shortest round-trip digits, negative values in parentheses. */
export function spiceNumber(value: number): string {
  if (!Number.isFinite(value)) throw new KirchhoffError('spice-nonfinite', `${value} cannot be written in a SPICE netlist`);
  if (value === 0) return '0';
  const text = String(value);
  return value < 0 ? `(${text})` : text;
}

const atom = (text: string): Printed => ({ text, prec: PREC.atom });
/**
 * `p` as an operand of an operator of precedence `prec`; `strict` also wraps equal precedence (the right
 * side of − and /, comparisons). A negation or negative number is wrapped as the right operand of
 * arithmetic and as any operand of × and / : `a * (-b)`, `a - (-0.5)`, but `-a - b`.
 */
const operand = (p: Printed, prec: number, strict = false, right = false): string =>
  p.prec < prec || (strict && p.prec === prec) || (p.prec === PREC.unary && prec >= PREC.add && (right || prec >= PREC.mul)) ? `(${p.text})` : p.text;

function unsupported(owner: string, name: string, rule: FunctionRule | undefined): KirchhoffError {
  const supported = [...Object.keys(SPICE_FUNCTION_FORMS), ...builtinFunctionRules.filter((r) => r.definition).map((r) => r.name)].sort();
  const why = rule ? `has no ngspice form (it is neither one of ngspice's functions nor defined by a 'definition' expression)` : 'is unknown';
  return new KirchhoffError(
    'spice-unsupported-function',
    `${owner}: function '${name}' ${why}, so this branch type cannot be exported to SPICE; exportable functions: ${supported.join(', ')}`,
    { branchType: owner, function: name },
  );
}

/** Inlines every function with a definition except the built-ins ngspice has, as the compiler inlines them. */
function inline(node: Node, functions: FunctionTable, owner: string, depth = 0): Node {
  if (depth > 32) throw new KirchhoffError('recursive-function', `${owner}: function definitions nest more than 32 deep`);
  return node.transform((n) => {
    if (n.type !== 'FunctionNode') return n;
    const name = asFunction(n).fn.name;
    const rule = functions.get(name);
    const args = asFunction(n).args.map((a) => inline(a, functions, owner, depth + 1));
    // A plugin may override a built-in name; only the built-in itself has the built-in's ngspice form.
    if (rule && rule === BUILTIN.get(name) && name in SPICE_FUNCTION_FORMS) return new mathjs.FunctionNode(new mathjs.SymbolNode(name), args);
    if (!rule?.definition) throw unsupported(owner, name, rule);
    const body = stripParentheses(mathjs.parse(rule.definition));
    return inline(substitute(body, new Map(rule.params.map((p, i) => [p, args[i]] as const))), functions, owner, depth + 1);
  });
}

/**
 * Translates a law tree over `ports` (voltage symbols) and `params` into a per-edge printer. Throws
 * `spice-unsupported-function` (naming `owner` and the function) when a function has no ngspice form.
 */
export function translateTree(tree: Node, ports: readonly string[], params: readonly string[], functions: FunctionTable, owner: string): SpiceLaw {
  const root = fold(inline(stripParentheses(tree), functions, owner));
  const portSet = new Set(ports);
  const paramIndex = new Map(params.map((p, k) => [p, k] as const));
  const readsVoltage = (n: Node) => [...symbolsOf(n)].some((s) => portSet.has(s));

  const evaluator = (n: Node): Evaluate => {
    switch (n.type) {
      case 'ConstantNode': {
        const value = constantValue(n);
        return () => value;
      }
      case 'SymbolNode': {
        const name = symbolName(n);
        const k = paramIndex.get(name);
        if (k !== undefined) return (theta) => theta(k);
        const value = CONSTANTS[name];
        if (value === undefined) throw new KirchhoffError('unknown-symbol', `${owner}: unknown symbol '${name}'`);
        return () => value;
      }
      case 'OperatorNode': {
        const { fn, args } = asOperator(n);
        const [a, b] = args.map(evaluator);
        if (fn === 'unaryMinus') return (t) => -a(t);
        if (fn === 'unaryPlus') return a;
        if (fn === 'not') return (t) => +(a(t) === 0);
        const f = NUMERIC[fn];
        if (!f) throw new KirchhoffError('unsupported-operator', `${owner}: operator '${fn}' has no SPICE form`);
        return (t) => f(a(t), b(t));
      }
      case 'ConditionalNode': {
        const c = asConditional(n);
        const [cond, whenTrue, whenFalse] = [c.condition, c.trueExpr, c.falseExpr].map(evaluator);
        return (t) => (cond(t) !== 0 ? whenTrue(t) : whenFalse(t));
      }
      case 'FunctionNode': {
        const name = asFunction(n).fn.name;
        const rule = functions.get(name)!;
        const args = asFunction(n).args.map(evaluator);
        return (t) => rule.evaluate(...args.map((a) => a(t)));
      }
      default:
        throw new KirchhoffError('unsupported-syntax', `${owner}: a ${n.type} has no SPICE form`);
    }
  };

  const numberAt = (value: number, what: string): Printed => {
    if (!Number.isFinite(value)) throw new KirchhoffError('spice-nonfinite', `${owner}: ${what} is ${value} for this edge; a SPICE netlist needs finite numbers`);
    return value < 0 ? { text: String(value), prec: PREC.unary } : atom(value === 0 ? '0' : String(value));
  };

  /** `named`: print parameters by name instead of value (the law's text for comments). */
  const emitter = (n: Node, named: boolean): Emit => {
    if (!readsVoltage(n)) {
      if (n.type === 'ConstantNode') {
        const p = numberAt(constantValue(n), 'a constant');
        return () => p;
      }
      if (named) return emitStructure(n, named);
      const value = evaluator(n);
      return (edge) => numberAt(value(edge.theta), 'a parameter expression');
    }
    return emitStructure(n, named);
  };

  const emitStructure = (n: Node, named: boolean): Emit => {
    switch (n.type) {
      case 'ConstantNode': {
        const p = numberAt(constantValue(n), 'a constant');
        return () => p;
      }
      case 'SymbolNode': {
        const name = symbolName(n);
        if (name === ports[0]) return (edge) => ({ text: edge.ports?.[0] ?? edge.vs, prec: PREC.atom });
        if (name === ports[1]) return (edge) => ({ text: edge.ports?.[1] ?? edge.vd, prec: PREC.atom });
        const port = ports.indexOf(name);
        if (port >= 2) return (edge) => ({ text: edge.ports?.[port] ?? GROUND, prec: PREC.atom });
        if (named || !paramIndex.has(name)) return () => atom(name in CONSTANTS && !named ? spiceNumber(CONSTANTS[name]) : name);
        const k = paramIndex.get(name)!;
        return (edge) => numberAt(edge.theta(k), name);
      }
      case 'OperatorNode': {
        const { fn, args } = asOperator(n);
        const parts = args.map((a) => emitter(a, named));
        if (fn === 'unaryPlus') return parts[0];
        if (fn === 'unaryMinus') return (edge) => ({ text: `-${operand(parts[0](edge), PREC.pow)}`, prec: PREC.unary });
        if (fn === 'not') return (edge) => ({ text: `!${operand(parts[0](edge), PREC.pow)}`, prec: PREC.unary });
        if (fn === 'pow') return emitPower(args[0], args[1], parts[0], parts[1], named);
        const binary = BINARY[fn];
        if (!binary) throw new KirchhoffError('unsupported-operator', `${owner}: operator '${fn}' has no SPICE form`);
        const strictRight = fn === 'subtract' || fn === 'divide' || binary.prec === PREC.compare;
        const strictLeft = binary.prec === PREC.compare;
        return (edge) => ({
          text: `${operand(parts[0](edge), binary.prec, strictLeft)} ${binary.op} ${operand(parts[1](edge), binary.prec, strictRight, true)}`,
          prec: binary.prec,
        });
      }
      case 'ConditionalNode': {
        const c = asConditional(n);
        const [cond, whenTrue, whenFalse] = [c.condition, c.trueExpr, c.falseExpr].map((x) => emitter(x, named));
        // Nested conditionals are always parenthesised: ngspice's parser is not to be trusted with `a ? b : c ? d : e`.
        return (edge) => ({
          text: `${operand(cond(edge), PREC.ternary + 1)} ? ${operand(whenTrue(edge), PREC.ternary + 1)} : ${operand(whenFalse(edge), PREC.ternary + 1)}`,
          prec: PREC.ternary,
        });
      }
      case 'FunctionNode': {
        const name = asFunction(n).fn.name;
        const [head, tail] = SPICE_FUNCTION_FORMS[name].split(/\bx\b/);
        const arg = emitter(asFunction(n).args[0], named);
        // `1 + x` needs x whole; `exp(x) - 1` is a sum, so as an operand it needs parentheses.
        const slot = name === 'log1p' ? PREC.add : ARGUMENT;
        const prec = name === 'expm1' ? PREC.add : PREC.atom;
        return (edge) => ({ text: `${head}${operand(arg(edge), slot, true, true)}${tail}`, prec });
      }
      default:
        throw new KirchhoffError('unsupported-syntax', `${owner}: a ${n.type} has no SPICE form`);
    }
  };

  /**
   * x^y: ngspice's `pow(x, y)` and `x^y` are |x|^y, `pwr(x, y)` is sign(x)·|x|^y. With y an odd whole
   * number (per edge, when y reads only parameters) `pwr` is the real power, otherwise `pow` is (for x ≥ 0;
   * for x < 0 and y not whole the real power is undefined, and Kirchhoff's kernels give NaN).
   */
  const emitPower = (base: Node, exponent: Node, b: Emit, e: Emit, named: boolean): Emit => {
    const fixed = exponent.type === 'ConstantNode' || (!readsVoltage(exponent) && !named) ? evaluator(exponent) : undefined;
    return (edge) => {
      const y = fixed?.(edge.theta);
      const name = y !== undefined && Number.isInteger(y) && Math.abs(y % 2) === 1 ? 'pwr' : 'pow';
      return atom(`${name}(${operand(b(edge), ARGUMENT)}, ${operand(e(edge), ARGUMENT)})`);
    };
  };

  const perEdge = emitter(root, false);
  const named = emitter(root, true);
  // A terminal on ground reads the constant 0: the law with it substituted and folded, built on first use.
  const grounded: (Emit | undefined)[] = [undefined, undefined];
  const onGround = (port: 0 | 1): Emit => (grounded[port] ??= emitter(fold(substitute(root, new Map([[ports[port], constant(0)]]))), false));
  return {
    type: owner,
    text: named({ theta: () => NaN, vs: ports[0], vd: ports[1], ports: [...ports] }).text,
    expression: (edge) => (edge.ports ? perEdge : edge.vs === GROUND ? onGround(0) : edge.vd === GROUND ? onGround(1) : perEdge)(edge).text,
  };
}

/** The B-source form of a compiled branch type's law (its one current, positive from vs's node to vd's). */
export function translateBranchType(type: CompiledBranchType, functions: FunctionTable): SpiceLaw {
  const { law } = type.law;
  const translated = translateTree(type.law.currentTrees[0], law.ports, law.params, functions, `branch type '${type.definition.name}'`);
  return { ...translated, type: type.definition.name };
}
