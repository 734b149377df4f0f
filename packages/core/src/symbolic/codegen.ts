import * as mathjs from 'mathjs';
import { KirchhoffError } from '../errors';
import { CONSTANTS } from './expression';
import type { FunctionTable } from './function-table';
import { fold } from './fold';
import {
  asConditional,
  asFunction,
  asOperator,
  constantValue,
  keyOf,
  stripParentheses,
  substitute,
  symbolName,
  symbolsOf,
  type Node,
} from './tree';

/**
 * Turns a set of scalar expressions (a law's currents and all their partials) into straight-line
 * JavaScript with shared subexpressions computed once.
 *
 * Two loop levels exist in every kernel: per element (parameters are fixed) and per sample (voltages
 * vary). A subexpression that reads no voltage is hoisted to the element level, so it runs once per
 * branch instead of once per branch and sample. A subexpression used twice or more is bound to a
 * temporary. The code is built from the parsed tree only, never from the user's text, so nothing a user
 * writes is executed as JavaScript.
 */
export interface ScalarProgram {
  /** Statements to run once per element (after parameters are bound). */
  readonly elementStatements: string[];
  /** Statements to run once per sample (after voltages are bound). */
  readonly sampleStatements: string[];
  /** The JavaScript expression (usually a temporary's name) holding each output. */
  readonly outputs: string[];
}

export interface SymbolBinding {
  /** JavaScript identifier the symbol is bound to. */
  readonly identifier: string;
  /** Whether the symbol varies per sample (a voltage) or only per element (a parameter). */
  readonly perSample: boolean;
}

/** Replaces calls of functions that have a definition by that definition, recursively. */
export function inlineDefinitions(node: Node, functions: FunctionTable, depth = 0): Node {
  if (depth > 32) throw new KirchhoffError('recursive-function', 'function definitions nest more than 32 deep');
  return node.transform((n) => {
    if (n.type !== 'FunctionNode') return n;
    const { args } = asFunction(n);
    const name = asFunction(n).fn.name;
    const rule = functions.get(name);
    if (!rule) throw new KirchhoffError('unknown-function', `unknown function '${name}'`);
    const inlinedArgs = args.map((a) => inlineDefinitions(a, functions, depth + 1));
    if (!rule.definition) return new mathjs.FunctionNode(new mathjs.SymbolNode(name), inlinedArgs);
    const body = stripParentheses(mathjs.parse(rule.definition));
    const bound = substitute(body, new Map(rule.params.map((p, i) => [p, inlinedArgs[i]] as const)));
    return inlineDefinitions(bound, functions, depth + 1);
  });
}

const BINARY_JS: Record<string, string> = {
  add: '+',
  subtract: '-',
  multiply: '*',
  divide: '/',
  larger: '>',
  smaller: '<',
  largerEq: '>=',
  smallerEq: '<=',
  equal: '===',
  unequal: '!==',
  and: '&&',
  or: '||',
};

export function numberLiteral(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '(-Infinity)';
  const text = String(value);
  return value < 0 || Object.is(value, -0) ? `(${text})` : text;
}

export function compileScalarProgram(
  expressions: readonly Node[],
  bindings: ReadonlyMap<string, SymbolBinding>,
  functions: FunctionTable,
  tempPrefix = 't',
): ScalarProgram {
  const trees = expressions.map((e) => fold(inlineDefinitions(stripParentheses(e), functions)));
  const memo = new WeakMap<Node, string>();
  const uses = new Map<string, number>();
  const count = (n: Node): void => {
    const key = keyOf(n, memo);
    const seen = uses.get(key) ?? 0;
    uses.set(key, seen + 1);
    if (seen === 0) forEachChild(n, count); // children of a repeated subtree are shared through it
  };
  trees.forEach(count);

  const perSampleMemo = new WeakMap<Node, boolean>();
  const variesPerSample = (n: Node): boolean => {
    let cached = perSampleMemo.get(n);
    if (cached === undefined) {
      cached = [...symbolsOf(n)].some((s) => bindings.get(s)?.perSample ?? false);
      perSampleMemo.set(n, cached);
    }
    return cached;
  };

  const elementStatements: string[] = [];
  const sampleStatements: string[] = [];
  const temps = new Map<string, string>();
  let nextTemp = 0;

  const bind = (n: Node, code: string): string => {
    const key = keyOf(n, memo);
    const name = `${tempPrefix}${nextTemp++}`;
    (variesPerSample(n) ? sampleStatements : elementStatements).push(`const ${name} = ${code};`);
    temps.set(key, name);
    return name;
  };

  const emit = (n: Node): string => {
    if (n.type === 'ConstantNode') return numberLiteral(constantValue(n));
    if (n.type === 'SymbolNode') {
      const name = symbolName(n);
      const bound = bindings.get(name);
      if (bound) return bound.identifier;
      if (name in CONSTANTS) return numberLiteral(CONSTANTS[name]);
      throw new KirchhoffError('unknown-symbol', `internal: unbound symbol '${name}'`);
    }
    const key = keyOf(n, memo);
    const existing = temps.get(key);
    if (existing) return existing;
    const code = emitComposite(n);
    const shared = (uses.get(key) ?? 0) > 1;
    return shared || !variesPerSample(n) ? bind(n, code) : code;
  };

  const emitComposite = (n: Node): string => {
    switch (n.type) {
      case 'OperatorNode': {
        const { fn, args } = asOperator(n);
        if (fn === 'unaryMinus') return `(-${emit(args[0])})`;
        if (fn === 'unaryPlus') return emit(args[0]);
        if (fn === 'not') return `(!${emit(args[0])})`;
        if (fn === 'pow') {
          const [base, exponent] = args;
          if (exponent.type === 'ConstantNode' && [2, 3].includes(constantValue(exponent))) {
            const b = emitAtom(base);
            return constantValue(exponent) === 2 ? `(${b} * ${b})` : `(${b} * ${b} * ${b})`;
          }
          return `Math.pow(${emit(base)}, ${emit(exponent)})`;
        }
        const jsOp = BINARY_JS[fn];
        if (!jsOp) throw new KirchhoffError('unsupported-operator', `operator '${fn}' cannot be compiled`);
        return `(${args.map(emit).join(` ${jsOp} `)})`;
      }
      case 'ConditionalNode': {
        const c = asConditional(n);
        if (isComparison(c.condition) && isPolynomial(c.trueExpr) && isPolynomial(c.falseExpr)) return emitSelect(c.condition, c.trueExpr, c.falseExpr);
        return `(${emit(c.condition)} ? ${emit(c.trueExpr)} : ${emit(c.falseExpr)})`;
      }
      case 'FunctionNode': {
        const name = asFunction(n).fn.name;
        const rule = functions.get(name);
        if (!rule?.jsName) throw new KirchhoffError('unknown-function', `function '${name}' has no JavaScript form`);
        return `${rule.jsName}(${asFunction(n).args.map(emit).join(', ')})`;
      }
      default:
        throw new KirchhoffError('unsupported-syntax', `cannot compile a ${n.type}`);
    }
  };

  /**
   * `c ? a : b` without a branch: with m = +(c) ∈ {0, 1}, a·m + b·(1 − m) is exactly a or b (up to the
   * sign of a zero) whenever both are finite. Only used when both sides are polynomials of the inputs, so
   * both are finite and cheap to evaluate; the ReLU family's kinks then cost no unpredictable jumps, which
   * made the MNIST kernels about twice as fast (voltages make the comparison a coin flip per sample).
   */
  const emitSelect = (condition: Node, whenTrue: Node, whenFalse: Node): string => {
    const m = `(+${emitAtom(condition)})`;
    const a = constantOf(whenTrue);
    const b = constantOf(whenFalse);
    if (a === 1 && b === 0) return m;
    if (a === 0 && b === 1) return `(1 - ${m})`;
    const kept = (side: Node, value: number | undefined, mask: string) =>
      value === 0 ? undefined : value === 1 ? mask : `${emitAtom(side)} * ${mask}`;
    const terms = [kept(whenTrue, a, m), kept(whenFalse, b, `(1 - ${m})`)].filter((t): t is string => t !== undefined);
    return terms.length === 0 ? '0' : `(${terms.join(' + ')})`;
  };

  /** An operand that is safe to repeat textually: a literal, an identifier, or a fresh temporary. */
  const emitAtom = (n: Node): string => {
    const code = emit(n);
    return /^[A-Za-z_$][\w$]*$|^\d/.test(code) ? code : bind(n, code);
  };

  const outputs = trees.map((t) => {
    const code = emit(t);
    return code;
  });
  return { elementStatements, sampleStatements, outputs };
}

function forEachChild(n: Node, visit: (child: Node) => void): void {
  switch (n.type) {
    case 'OperatorNode':
      asOperator(n).args.forEach(visit);
      return;
    case 'FunctionNode':
      asFunction(n).args.forEach(visit);
      return;
    case 'ConditionalNode': {
      const c = asConditional(n);
      visit(c.condition);
      visit(c.trueExpr);
      visit(c.falseExpr);
      return;
    }
    default:
      return;
  }
}

const COMPARISONS = new Set(['larger', 'smaller', 'largerEq', 'smallerEq', 'equal', 'unequal']);
const POLYNOMIAL_OPERATORS = new Set(['add', 'subtract', 'multiply', 'unaryMinus', 'unaryPlus']);

/** A comparison, or not/and/or of comparisons: a JavaScript boolean, so +(c) is 0 or 1. */
function isComparison(n: Node): boolean {
  if (n.type !== 'OperatorNode') return false;
  const { fn, args } = asOperator(n);
  if (COMPARISONS.has(fn)) return true;
  return (fn === 'not' || fn === 'and' || fn === 'or') && args.every(isComparison);
}

/** Built from constants, symbols, +, − and × only: finite for finite inputs (barring overflow). */
function isPolynomial(n: Node): boolean {
  if (n.type === 'ConstantNode') return Number.isFinite(constantValue(n));
  if (n.type === 'SymbolNode') return !(symbolName(n) in CONSTANTS) || Number.isFinite(CONSTANTS[symbolName(n)]);
  if (n.type !== 'OperatorNode') return false;
  const { fn, args } = asOperator(n);
  return POLYNOMIAL_OPERATORS.has(fn) && args.every(isPolynomial);
}

const constantOf = (n: Node): number | undefined => (n.type === 'ConstantNode' ? constantValue(n) : undefined);
