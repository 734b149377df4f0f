import * as mathjs from 'mathjs';
import type { MathNode } from 'mathjs';

/**
 * Small helpers over mathjs expression trees. Trees are treated as immutable: every transform builds new
 * nodes. Parentheses are dropped on entry (they only matter for printing).
 */
export type Node = MathNode;

interface OperatorLike {
  op: string;
  fn: string;
  args: Node[];
}
interface FunctionLike {
  fn: { name: string };
  args: Node[];
}
interface ConditionalLike {
  condition: Node;
  trueExpr: Node;
  falseExpr: Node;
}

export const asOperator = (n: Node) => n as unknown as OperatorLike;
export const asFunction = (n: Node) => n as unknown as FunctionLike;
export const asConditional = (n: Node) => n as unknown as ConditionalLike;
export const symbolName = (n: Node) => (n as unknown as { name: string }).name;
export const constantValue = (n: Node) => (n as unknown as { value: number }).value;
export const functionName = (n: Node) => asFunction(n).fn.name;

export const constant = (value: number): Node => new mathjs.ConstantNode(value);
export const symbol = (name: string): Node => new mathjs.SymbolNode(name);
export const ZERO = constant(0);
export const ONE = constant(1);

const OPS: Record<string, string> = {
  add: '+',
  subtract: '-',
  multiply: '*',
  divide: '/',
  pow: '^',
  unaryMinus: '-',
  unaryPlus: '+',
};

export function operator(fn: string, args: Node[]): Node {
  const op = OPS[fn];
  if (!op) throw new Error(`internal: no operator symbol for ${fn}`);
  return new mathjs.OperatorNode(op as '+', fn as 'add', args);
}
export const call = (name: string, args: Node[]): Node => new mathjs.FunctionNode(new mathjs.SymbolNode(name), args);
export const conditional = (c: Node, a: Node, b: Node): Node => new mathjs.ConditionalNode(c, a, b);

export const isConstant = (n: Node, value?: number) =>
  n.type === 'ConstantNode' && (value === undefined || constantValue(n) === value);

/** Removes ParenthesisNodes everywhere. */
export function stripParentheses(node: Node): Node {
  return node.transform((n) => (n.type === 'ParenthesisNode' ? stripParentheses((n as unknown as { content: Node }).content) : n));
}

/** Replaces SymbolNodes by name (used to instantiate function definitions and derivative templates). */
export function substitute(node: Node, bindings: ReadonlyMap<string, Node>): Node {
  return node.transform((n) => {
    if (n.type === 'SymbolNode') {
      const bound = bindings.get(symbolName(n));
      if (bound) return bound;
    }
    return n;
  });
}

/** The set of symbol names a tree reads (function names are not symbols). */
export function symbolsOf(node: Node): Set<string> {
  const names = new Set<string>();
  const visit = (n: Node): void => {
    if (n.type === 'SymbolNode') names.add(symbolName(n));
    else if (n.type === 'FunctionNode') asFunction(n).args.forEach(visit);
    else n.forEach((child) => visit(child));
  };
  visit(node);
  return names;
}

/** A canonical text for a tree, used as the identity of a subexpression in common-subexpression elimination. */
export function keyOf(node: Node, memo: WeakMap<Node, string>): string {
  const cached = memo.get(node);
  if (cached !== undefined) return cached;
  let key: string;
  switch (node.type) {
    case 'ConstantNode':
      key = `#${constantValue(node)}`;
      break;
    case 'SymbolNode':
      key = symbolName(node);
      break;
    case 'OperatorNode': {
      const op = asOperator(node);
      key = `${op.fn}(${op.args.map((a) => keyOf(a, memo)).join(',')})`;
      break;
    }
    case 'FunctionNode': {
      const fn = asFunction(node);
      key = `@${fn.fn.name}(${fn.args.map((a) => keyOf(a, memo)).join(',')})`;
      break;
    }
    case 'ConditionalNode': {
      const c = asConditional(node);
      key = `?(${keyOf(c.condition, memo)},${keyOf(c.trueExpr, memo)},${keyOf(c.falseExpr, memo)})`;
      break;
    }
    default:
      throw new Error(`internal: unexpected ${node.type} in a compiled law`);
  }
  memo.set(node, key);
  return key;
}
