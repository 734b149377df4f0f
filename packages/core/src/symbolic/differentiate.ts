import * as mathjs from 'mathjs';
import { KirchhoffError } from '../errors';
import { isLogicalOperator } from './expression';
import type { FunctionTable } from './function-table';
import { fold } from './fold';
import {
  asConditional,
  asFunction,
  asOperator,
  conditional,
  constant,
  isConstant,
  ONE,
  operator,
  stripParentheses,
  substitute,
  symbol,
  symbolName,
  symbolsOf,
  ZERO,
  type Node,
} from './tree';

/**
 * Symbolic differentiation of a branch law.
 *
 * The chain rule for operators, `?:` and comparisons is ours (mathjs's `derivative` has no rule for
 * ConditionalNode). For a function call f(u1..un) the outer derivative comes from the function table's
 * `partials` when it has them (relu, max, abs, …: the derivative-rule registry), otherwise from mathjs's
 * `derivative` applied to f(x) once per function and cached.
 */
export class Differentiator {
  private readonly mathjsPartialCache = new Map<string, Node>();
  private readonly ruleCache = new Map<string, Node[]>();

  constructor(private readonly functions: FunctionTable) {}

  derivative(expr: Node, variable: string): Node {
    return fold(this.d(stripParentheses(expr), variable));
  }

  private d(node: Node, x: string): Node {
    if (!symbolsOf(node).has(x)) return ZERO;
    switch (node.type) {
      case 'SymbolNode':
        return symbolName(node) === x ? ONE : ZERO;
      case 'ConditionalNode': {
        const c = asConditional(node);
        return conditional(c.condition, this.d(c.trueExpr, x), this.d(c.falseExpr, x));
      }
      case 'OperatorNode':
        return this.operatorDerivative(node, x);
      case 'FunctionNode':
        return this.functionDerivative(node, x);
      default:
        throw new KirchhoffError('unsupported-syntax', `cannot differentiate a ${node.type}`);
    }
  }

  private operatorDerivative(node: Node, x: string): Node {
    // Comparisons and logic are piecewise constant: derivative 0 almost everywhere.
    if (isLogicalOperator(node)) return ZERO;
    const { fn, args } = asOperator(node);
    const [a, b] = args;
    switch (fn) {
      case 'unaryPlus':
        return this.d(a, x);
      case 'unaryMinus':
        return operator('unaryMinus', [this.d(a, x)]);
      case 'add':
      case 'subtract':
        return operator(fn, [this.d(a, x), this.d(b, x)]);
      case 'multiply':
        return operator('add', [operator('multiply', [this.d(a, x), b]), operator('multiply', [a, this.d(b, x)])]);
      case 'divide':
        // d(a/b) = a'/b − a·b'/b²
        return operator('subtract', [
          operator('divide', [this.d(a, x), b]),
          operator('divide', [operator('multiply', [a, this.d(b, x)]), operator('pow', [b, constant(2)])]),
        ]);
      case 'pow': {
        const baseVaries = symbolsOf(a).has(x);
        const exponentVaries = symbolsOf(b).has(x);
        if (!exponentVaries) {
          // d(a^n) = n·a^(n−1)·a'
          return operator('multiply', [
            operator('multiply', [b, operator('pow', [a, operator('subtract', [b, ONE])])]),
            this.d(a, x),
          ]);
        }
        const logA = this.call('log', [a]);
        if (!baseVaries) return operator('multiply', [operator('multiply', [node, logA]), this.d(b, x)]);
        // d(a^b) = a^b·(b'·log a + b·a'/a)
        return operator('multiply', [
          node,
          operator('add', [
            operator('multiply', [this.d(b, x), logA]),
            operator('divide', [operator('multiply', [b, this.d(a, x)]), a]),
          ]),
        ]);
      }
      default:
        throw new KirchhoffError('unsupported-operator', `no derivative for operator '${fn}'`);
    }
  }

  private functionDerivative(node: Node, x: string): Node {
    const { args } = asFunction(node);
    const name = asFunction(node).fn.name;
    const outer = this.outerPartials(name, args);
    let sum: Node = ZERO;
    args.forEach((arg, i) => {
      const inner = this.d(arg, x);
      if (isConstant(inner, 0)) return;
      sum = operator('add', [sum, operator('multiply', [outer[i], inner])]);
    });
    return sum;
  }

  /** ∂f/∂arg_i evaluated at the actual arguments. */
  private outerPartials(name: string, args: Node[]): Node[] {
    const rule = this.functions.get(name);
    if (!rule) throw new KirchhoffError('unknown-function', `unknown function '${name}'`);
    const bindings = new Map(rule.params.map((p, i) => [p, args[i]] as const));
    if (rule.partials) {
      let templates = this.ruleCache.get(name);
      if (!templates) {
        templates = rule.partials.map((p) => stripParentheses(mathjs.parse(p)));
        this.ruleCache.set(name, templates);
      }
      return templates.map((t) => substitute(t, bindings));
    }
    if (rule.definition) {
      // A function defined by an expression and no explicit rule: differentiate its definition.
      let templates = this.ruleCache.get(name);
      if (!templates) {
        const body = stripParentheses(mathjs.parse(rule.definition));
        templates = rule.params.map((p) => this.derivative(body, p));
        this.ruleCache.set(name, templates);
      }
      return templates.map((t) => substitute(t, bindings));
    }
    let template = this.mathjsPartialCache.get(name);
    if (!template) {
      try {
        template = fold(stripParentheses(mathjs.derivative(`${name}(x)`, 'x', { simplify: false })));
      } catch (err) {
        throw new KirchhoffError('no-derivative-rule', `function '${name}' has no derivative rule: ${(err as Error).message}`);
      }
      this.mathjsPartialCache.set(name, template);
    }
    return [substitute(template, new Map([['x', args[0]]]))];
  }

  private call(name: string, args: Node[]): Node {
    return new mathjs.FunctionNode(symbol(name) as mathjs.SymbolNode, args);
  }
}
