import {
  asConditional,
  asOperator,
  constant,
  constantValue,
  isConstant,
  keyOf,
  operator,
  type Node,
} from './tree';

const ARITH: Record<string, (...a: number[]) => number> = {
  add: (a, b) => a + b,
  subtract: (a, b) => a - b,
  multiply: (a, b) => a * b,
  divide: (a, b) => a / b,
  pow: (a, b) => Math.pow(a, b),
  unaryMinus: (a) => -a,
  unaryPlus: (a) => a,
};

/**
 * Bottom-up algebraic clean-up of the trees that differentiation produces (`1 * x`, `x ^ (3 - 1)`,
 * `0 + y`): constant folding and the identities of 0 and 1. Deliberately small and predictable, unlike a
 * general simplifier: it never reorders terms, so generated code stays readable and stable.
 */
export function fold(node: Node): Node {
  switch (node.type) {
    case 'OperatorNode': {
      const { fn, args: raw } = asOperator(node);
      const args = raw.map(fold);
      const impl = ARITH[fn];
      if (impl && args.every((a) => a.type === 'ConstantNode')) {
        const value = impl(...args.map(constantValue));
        if (Number.isFinite(value)) return constant(value);
      }
      const [a, b] = args;
      switch (fn) {
        case 'add':
          if (isConstant(a, 0)) return b;
          if (isConstant(b, 0)) return a;
          if (b.type === 'OperatorNode' && asOperator(b).fn === 'unaryMinus') return fold(operator('subtract', [a, asOperator(b).args[0]]));
          break;
        case 'subtract':
          if (isConstant(b, 0)) return a;
          if (isConstant(a, 0)) return fold(operator('unaryMinus', [b]));
          break;
        case 'multiply':
          if (isConstant(a, 0) || isConstant(b, 0)) return constant(0);
          if (isConstant(a, 1)) return b;
          if (isConstant(b, 1)) return a;
          if (isConstant(a, -1)) return fold(operator('unaryMinus', [b]));
          if (isConstant(b, -1)) return fold(operator('unaryMinus', [a]));
          break;
        case 'divide':
          if (isConstant(a, 0)) return constant(0);
          if (isConstant(b, 1)) return a;
          break;
        case 'pow':
          if (isConstant(b, 1)) return a;
          if (isConstant(b, 0)) return constant(1);
          break;
        case 'unaryPlus':
          return a;
        case 'unaryMinus':
          if (a.type === 'OperatorNode' && asOperator(a).fn === 'unaryMinus') return asOperator(a).args[0];
          break;
      }
      return args.every((x, i) => x === raw[i]) ? node : rebuild(node, args);
    }
    case 'ConditionalNode': {
      const c = asConditional(node);
      const condition = fold(c.condition);
      const t = fold(c.trueExpr);
      const f = fold(c.falseExpr);
      if (condition.type === 'ConstantNode') return constantValue(condition) ? t : f;
      const memo = new WeakMap<Node, string>();
      if (keyOf(t, memo) === keyOf(f, memo)) return t;
      return new (node.constructor as new (a: Node, b: Node, c: Node) => Node)(condition, t, f);
    }
    case 'FunctionNode':
      return node.map((child) => fold(child));
    default:
      return node;
  }
}

function rebuild(node: Node, args: Node[]): Node {
  const { op, fn } = asOperator(node);
  const Ctor = node.constructor as new (op: string, fn: string, args: Node[]) => Node;
  return new Ctor(op, fn, args);
}
