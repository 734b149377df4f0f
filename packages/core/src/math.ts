import { all, create, type MathJsInstance } from 'mathjs';
import type { FunctionRule } from './symbolic/functions';

/**
 * Kirchhoff's own mathjs instance (never the global default), with the branch-law functions imported so
 * that mathjs can *evaluate* a law for reference checks. Hot paths never evaluate through mathjs; they
 * run generated kernels.
 */
export function createMath(rules: readonly FunctionRule[]): MathJsInstance {
  const math = create(all);
  const imports: Record<string, (...args: number[]) => number> = {};
  for (const rule of rules) {
    if (rule.jsName && rule.partials === undefined) continue; // mathjs has it already
    imports[rule.name] = rule.evaluate;
  }
  math.import(imports, { override: true });
  return math;
}
