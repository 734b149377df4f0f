import { KirchhoffError } from '../errors';
import { builtinFunctionRules, type FunctionRule } from './functions';

/**
 * The functions known to one compilation context: the built-ins plus any registered by plugins
 * (through the DERIVATIVE_RULE token). A later rule with the same name replaces an earlier one only
 * when it says `override`, so a typo cannot silently change a built-in.
 */
export class FunctionTable {
  private readonly rules = new Map<string, FunctionRule>();

  constructor(extra: readonly FunctionRule[] = [], options: { override?: boolean } = {}) {
    for (const rule of builtinFunctionRules) this.rules.set(rule.name, rule);
    for (const rule of extra) {
      if (this.rules.has(rule.name) && !options.override) {
        throw new KirchhoffError(
          'duplicate-function',
          `function '${rule.name}' is already defined; pass override to replace it`,
        );
      }
      if (rule.partials && rule.partials.length !== rule.params.length) {
        throw new KirchhoffError(
          'invalid-function-rule',
          `function '${rule.name}': ${rule.params.length} parameters but ${rule.partials.length} partial derivatives`,
        );
      }
      if (!rule.jsName && !rule.definition) {
        throw new KirchhoffError(
          'invalid-function-rule',
          `function '${rule.name}' needs a definition expression or a jsName to be compiled`,
        );
      }
      this.rules.set(rule.name, rule);
    }
  }

  get(name: string): FunctionRule | undefined {
    return this.rules.get(name);
  }

  list(): FunctionRule[] {
    return [...this.rules.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}
