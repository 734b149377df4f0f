import { KirchhoffError } from '../errors';
import { CONSTANTS } from '../symbolic/expression';
import { fold } from '../symbolic/fold';
import type { FunctionTable } from '../symbolic/function-table';
import { inlineDefinitions } from '../symbolic/codegen';
import { asConditional, asFunction, asOperator, constantValue, keyOf, stripParentheses, symbolName, symbolsOf, type Node } from '../symbolic/tree';
import { V128, type FunctionBuilder, type ImportedFunction, type SimdOp } from './wasm-encoder';

/**
 * Compiles a law's expression trees to f64x2 code: every value is a v128 holding two samples. The same
 * hoisting as the JavaScript code generator: a subexpression that reads no voltage is computed once per
 * element, before the sample loop (into the `element` builder); a subexpression used twice is kept in a
 * local (`local.tee` on first use, which executes first because the code is straight-line).
 *
 * Comparisons yield lane masks (all ones or all zeros), and `c ? a : b` is `v128.bitselect(a, b, c)`:
 * both sides are evaluated, and the untaken lane's value, even Inf or NaN, is discarded bit for bit.
 * abs, sqrt, sign, min/max are native; any other `Math` function is called per lane through an import.
 */
export class UnsupportedForSimd extends Error {}

const ARITHMETIC: Record<string, SimdOp> = { add: 'add', subtract: 'sub', multiply: 'mul', divide: 'div' };
const COMPARISON: Record<string, SimdOp> = { larger: 'gt', smaller: 'lt', largerEq: 'ge', smallerEq: 'le', equal: 'eq', unequal: 'ne' };
const NATIVE_UNARY: Record<string, SimdOp> = { 'Math.abs': 'abs', 'Math.sqrt': 'sqrt' };

type Kind = 'number' | 'mask';

/** The `Math` functions called per lane, in import order (function index = position). */
export class MathImports {
  readonly names: string[] = [];
  private readonly arities: number[] = [];

  index(name: string, arity: number): number {
    let i = this.names.indexOf(name);
    if (i < 0) {
      i = this.names.push(name) - 1;
      this.arities.push(arity);
    }
    return i;
  }

  declarations(): ImportedFunction[] {
    return this.names.map((name, i) => ({ module: 'math', name, params: Array(this.arities[i]).fill(0x7c), results: [0x7c] }));
  }
}

/** Readies a tree as the JavaScript generator does: definitions inlined, constants folded. */
export function prepareTree(tree: Node, functions: FunctionTable): Node {
  return fold(inlineDefinitions(stripParentheses(tree), functions));
}

export class SimdExpressionCompiler {
  private readonly memo = new WeakMap<Node, string>();
  private readonly uses = new Map<string, number>();
  private readonly locals = new Map<string, { index: number; kind: Kind }>();

  /**
   * @param trees every tree this kernel will emit (for use counts)
   * @param bindings symbol → v128 local holding it (splatted parameters, loaded voltages)
   * @param perSample symbols that vary per sample
   * @param element the builder for once-per-element code
   */
  constructor(
    trees: readonly Node[],
    private readonly bindings: ReadonlyMap<string, number>,
    private readonly perSample: ReadonlySet<string>,
    private readonly element: FunctionBuilder,
    private readonly functions: FunctionTable,
    private readonly imports: MathImports,
  ) {
    const count = (n: Node): void => {
      const key = keyOf(n, this.memo);
      const seen = this.uses.get(key) ?? 0;
      this.uses.set(key, seen + 1);
      if (seen === 0) childrenOf(n).forEach(count);
    };
    trees.forEach(count);
  }

  /** Pushes the tree's value (a number in each lane) onto `into`'s stack. */
  value(tree: Node, into: FunctionBuilder): void {
    this.emit(tree, into, 'number');
  }

  private variesPerSample(n: Node): boolean {
    return [...symbolsOf(n)].some((s) => this.perSample.has(s));
  }

  private emit(n: Node, into: FunctionBuilder, want: Kind): void {
    if (n.type === 'ConstantNode') {
      this.constant(constantValue(n), into, want);
      return;
    }
    if (n.type === 'SymbolNode') {
      const name = symbolName(n);
      const local = this.bindings.get(name);
      if (local !== undefined) into.get(local);
      else if (name in CONSTANTS) into.f64x2Const(CONSTANTS[name]);
      else throw new KirchhoffError('unknown-symbol', `internal: unbound symbol '${name}'`);
      this.convert('number', want, into);
      return;
    }
    const key = keyOf(n, this.memo);
    const known = this.locals.get(key);
    if (known) {
      into.get(known.index);
      this.convert(known.kind, want, into);
      return;
    }
    const shared = (this.uses.get(key) ?? 0) > 1;
    if (!this.variesPerSample(n)) {
      // Once per element: computed in the element block, read from a local everywhere.
      const kind = this.natural(n);
      const index = this.element.local(V128);
      this.composite(n, this.element, kind);
      this.element.set(index);
      this.locals.set(key, { index, kind });
      into.get(index);
      this.convert(kind, want, into);
      return;
    }
    if (!shared) {
      this.composite(n, into, want);
      return;
    }
    const kind = this.natural(n);
    const index = into.local(V128);
    this.composite(n, into, kind);
    into.tee(index);
    this.locals.set(key, { index, kind });
    this.convert(kind, want, into);
  }

  private natural(n: Node): Kind {
    if (n.type !== 'OperatorNode') return 'number';
    const fn = asOperator(n).fn;
    return fn in COMPARISON || fn === 'and' || fn === 'or' || fn === 'not' ? 'mask' : 'number';
  }

  private constant(value: number, into: FunctionBuilder, want: Kind): void {
    into.f64x2Const(value);
    this.convert('number', want, into);
  }

  /** mask → 1.0 / 0.0 (as JavaScript's +(c)); number → mask of x ≠ 0 (truthiness). */
  private convert(from: Kind, to: Kind, into: FunctionBuilder): void {
    if (from === to) return;
    if (to === 'number') into.f64x2Const(1).simd('and');
    else into.f64x2Const(0).simd('ne');
  }

  private composite(n: Node, into: FunctionBuilder, want: Kind): void {
    const natural = this.natural(n);
    switch (n.type) {
      case 'OperatorNode': {
        const { fn, args } = asOperator(n);
        if (fn === 'unaryPlus') return this.emit(args[0], into, want);
        if (fn === 'unaryMinus') {
          this.emit(args[0], into, 'number');
          into.simd('neg');
        } else if (fn === 'not') {
          this.emit(args[0], into, 'mask');
          into.simd('not');
        } else if (fn === 'and' || fn === 'or') {
          args.forEach((a, i) => {
            this.emit(a, into, 'mask');
            if (i > 0) into.simd(fn);
          });
        } else if (fn in COMPARISON) {
          this.emit(args[0], into, 'number');
          this.emit(args[1], into, 'number');
          into.simd(COMPARISON[fn]);
        } else if (fn === 'pow') {
          this.power(args[0], args[1], into);
        } else if (fn in ARITHMETIC) {
          args.forEach((a, i) => {
            this.emit(a, into, 'number');
            if (i > 0) into.simd(ARITHMETIC[fn]);
          });
        } else {
          throw new UnsupportedForSimd(`operator '${fn}'`);
        }
        break;
      }
      case 'ConditionalNode': {
        const c = asConditional(n);
        this.emit(c.trueExpr, into, 'number');
        this.emit(c.falseExpr, into, 'number');
        this.emit(c.condition, into, 'mask');
        into.simd('bitselect');
        break;
      }
      case 'FunctionNode':
        this.call(n, into);
        break;
      default:
        throw new UnsupportedForSimd(`a ${n.type}`);
    }
    this.convert(natural, want, into);
  }

  private power(base: Node, exponent: Node, into: FunctionBuilder): void {
    if (exponent.type === 'ConstantNode' && [2, 3].includes(constantValue(exponent))) {
      const t = into.local(V128);
      this.emit(base, into, 'number');
      into.tee(t).get(t).simd('mul');
      if (constantValue(exponent) === 3) into.get(t).simd('mul');
      return;
    }
    this.perLane('Math.pow', [base, exponent], into);
  }

  private call(n: Node, into: FunctionBuilder): void {
    const { fn, args } = asFunction(n);
    const jsName = this.functions.get(fn.name)?.jsName;
    if (!jsName) throw new UnsupportedForSimd(`function '${fn.name}'`);
    const native = NATIVE_UNARY[jsName];
    if (native) {
      this.emit(args[0], into, 'number');
      into.simd(native);
    } else if (jsName === 'Math.sign') {
      // (x > 0) − (x < 0), and x itself on NaN lanes, as Math.sign.
      const x = into.local(V128);
      const sign = into.local(V128);
      this.emit(args[0], into, 'number');
      into.set(x);
      into.get(x).f64x2Const(0).simd('gt').f64x2Const(1).simd('and');
      into.get(x).f64x2Const(0).simd('lt').f64x2Const(1).simd('and');
      into.simd('sub').set(sign);
      into.get(x).get(sign).get(x).get(x).simd('ne').simd('bitselect');
    } else if (jsName.startsWith('Math.') && typeof (Math as unknown as Record<string, unknown>)[jsName.slice(5)] === 'function') {
      this.perLane(jsName, args, into);
    } else {
      throw new UnsupportedForSimd(`function '${fn.name}' (${jsName})`);
    }
  }

  /** f applied lane by lane through an imported `Math` function. */
  private perLane(jsName: string, args: readonly Node[], into: FunctionBuilder): void {
    const index = this.imports.index(jsName.slice(5), args.length);
    const temps = args.map((a) => {
      const t = into.local(V128);
      this.emit(a, into, 'number');
      into.set(t);
      return t;
    });
    for (const lane of [0, 1] as const) {
      for (const t of temps) into.get(t).lane('extractLane', lane);
      into.call(index);
      if (lane === 0) into.simd('splat');
      else into.lane('replaceLane', 1);
    }
  }
}

function childrenOf(n: Node): Node[] {
  switch (n.type) {
    case 'OperatorNode':
      return asOperator(n).args;
    case 'FunctionNode':
      return asFunction(n).args;
    case 'ConditionalNode': {
      const c = asConditional(n);
      return [c.condition, c.trueExpr, c.falseExpr];
    }
    default:
      return [];
  }
}
