import * as E from 'fp-ts/Either';
import * as mathjs from 'mathjs';
import type { MathNode } from 'mathjs';
import type { Issue } from '../errors';
import type { FunctionTable } from './function-table';

/** Operators a branch law may use, by mathjs's internal function name. */
const ARITHMETIC = new Set(['add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus']);
const LOGICAL = new Set(['larger', 'smaller', 'largerEq', 'smallerEq', 'equal', 'unequal', 'and', 'or', 'not']);
export const CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, e: Math.E };

export function isLogicalOperator(node: MathNode): boolean {
  return node.type === 'OperatorNode' && LOGICAL.has((node as unknown as { fn: string }).fn);
}

/** Column (1-based) of the first whole-word occurrence of `token` in `text`, for error messages. */
function columnOf(text: string, token: string): number | undefined {
  const match = new RegExp(`(^|[^A-Za-z0-9_])${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_])`).exec(text);
  return match ? match.index + match[1].length + 1 : undefined;
}

export interface ExpressionContext {
  /** Who owns the expression, e.g. `branch type 'shift-relu-1'`. */
  readonly owner: string;
  /** Symbols the expression may read (terminal voltages and parameter names). */
  readonly symbols: readonly string[];
  readonly functions: FunctionTable;
}

/**
 * Parses a law once and checks every node: only numbers, known symbols, known functions with the right
 * number of arguments, arithmetic, comparisons and `?:`. Collects every problem instead of stopping at
 * the first, each naming the owner, the offending token and its column.
 */
export function parseExpression(text: string, ctx: ExpressionContext): E.Either<Issue[], MathNode> {
  let root: MathNode;
  try {
    root = mathjs.parse(text);
  } catch (err) {
    return E.left([{ code: 'syntax-error', where: ctx.owner, message: `cannot parse "${text}": ${(err as Error).message}` }]);
  }
  const issues: Issue[] = [];
  const at = (token: string) => {
    const col = columnOf(text, token);
    return col === undefined ? `in "${text}"` : `at column ${col} of "${text}"`;
  };
  const allowed = new Set(ctx.symbols);
  const visit = (node: MathNode): void => {
    switch (node.type) {
      case 'ConstantNode': {
        const value = (node as unknown as { value: unknown }).value;
        if (typeof value !== 'number') {
          issues.push({ code: 'invalid-constant', where: ctx.owner, message: `constant ${JSON.stringify(value)} is not a number ${at(String(value))}` });
        }
        return;
      }
      case 'SymbolNode': {
        const name = (node as unknown as { name: string }).name;
        if (!allowed.has(name) && !(name in CONSTANTS)) {
          issues.push({
            code: 'unknown-symbol',
            where: ctx.owner,
            message: `unknown symbol '${name}' ${at(name)}; allowed: ${[...ctx.symbols, ...Object.keys(CONSTANTS)].join(', ')}`,
          });
        }
        return;
      }
      case 'ParenthesisNode':
        visit((node as unknown as { content: MathNode }).content);
        return;
      case 'ConditionalNode': {
        const c = node as unknown as { condition: MathNode; trueExpr: MathNode; falseExpr: MathNode };
        visit(c.condition);
        visit(c.trueExpr);
        visit(c.falseExpr);
        return;
      }
      case 'OperatorNode': {
        const op = node as unknown as { fn: string; op: string; args: MathNode[] };
        if (!ARITHMETIC.has(op.fn) && !LOGICAL.has(op.fn)) {
          issues.push({ code: 'unsupported-operator', where: ctx.owner, message: `operator '${op.op}' is not supported in a branch law ${at(op.op)}` });
        }
        op.args.forEach(visit);
        return;
      }
      case 'FunctionNode': {
        const fnNode = node as unknown as { fn: { name?: string }; args: MathNode[] };
        const name = fnNode.fn.name ?? String(fnNode.fn);
        const rule = ctx.functions.get(name);
        if (!rule) {
          // mathjs has the function but we cannot differentiate it, or there is no such function at all.
          const known = typeof (mathjs as unknown as Record<string, unknown>)[name] === 'function';
          issues.push(
            known
              ? {
                  code: 'no-derivative-rule',
                  where: ctx.owner,
                  message: `function '${name}' ${at(name)} has no derivative rule; register a FunctionRule for it (see docs/symbolic-engine.md)`,
                }
              : { code: 'unknown-function', where: ctx.owner, message: `unknown function '${name}' ${at(name)}` },
          );
        } else if (rule.params.length !== fnNode.args.length) {
          issues.push({
            code: 'wrong-arity',
            where: ctx.owner,
            message: `function '${name}' ${at(name)} takes ${rule.params.length} argument(s) (${rule.params.join(', ')}), got ${fnNode.args.length}`,
          });
        }
        fnNode.args.forEach(visit);
        return;
      }
      default:
        issues.push({ code: 'unsupported-syntax', where: ctx.owner, message: `${node.type} is not allowed in a branch law ("${text}")` });
    }
  };
  visit(root);
  return issues.length ? E.left(issues) : E.right(root);
}

