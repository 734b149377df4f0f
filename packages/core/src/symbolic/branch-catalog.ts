import * as E from 'fp-ts/Either';
import { injectable, injectAll } from 'tsyringe';
import { KirchhoffError, ValidationError, type Issue } from '../errors';
import { Registry } from '../registry';
import { BRANCH_FAMILY, BRANCH_TYPE, DERIVATIVE_RULE } from '../tokens';
import { compileBranchType, type BranchFamily, type BranchType, type CompiledBranchType } from './branch-type';
import { FunctionTable } from './function-table';
import type { FunctionRule } from './functions';

/** How a circuit names the type of a branch group. */
export type BranchTypeRef =
  | string
  | { readonly family: string; readonly options?: Readonly<Record<string, unknown>> }
  | BranchType;

/**
 * Every branch type and family registered in a container, plus the derivative rules plugins added,
 * compiled on first use and cached by name. Core knows no concrete branch: all come through the tokens.
 */
@injectable()
export class BranchCatalog {
  readonly types: Registry<BranchType>;
  readonly families: Registry<BranchFamily>;
  readonly functions: FunctionTable;
  private readonly compiled = new Map<string, CompiledBranchType>();

  constructor(
    @injectAll(BRANCH_TYPE, { isOptional: true }) types: BranchType[],
    @injectAll(BRANCH_FAMILY, { isOptional: true }) families: BranchFamily[],
    @injectAll(DERIVATIVE_RULE, { isOptional: true }) rules: FunctionRule[],
  ) {
    this.types = new Registry('branch type', types ?? []);
    this.families = new Registry('branch family', families ?? []);
    this.functions = new FunctionTable(rules ?? []);
  }

  /** Compiles a reference to a branch type; all problems come back as issues. */
  resolve(ref: BranchTypeRef): E.Either<Issue[], CompiledBranchType> {
    if (typeof ref === 'string') {
      if (!this.types.has(ref)) {
        const known = this.types.list().map((t) => t.name);
        const families = this.families.list().map((f) => f.name);
        return E.left([
          {
            code: 'unknown-branch-type',
            message: `unknown branch type '${ref}'; known: ${known.join(', ') || '(none)'}${families.length ? `; families (use {family, options}): ${families.join(', ')}` : ''}`,
          },
        ]);
      }
      return this.compileCached(this.types.byName(ref));
    }
    if ('family' in ref) {
      if (!this.families.has(ref.family)) {
        return E.left([
          { code: 'unknown-branch-family', message: `unknown branch family '${ref.family}'; known: ${this.families.list().map((f) => f.name).join(', ') || '(none)'}` },
        ]);
      }
      const family = this.families.byName(ref.family);
      const options = ref.options ?? {};
      const unknown = Object.keys(options).filter((k) => !(k in family.meta.options));
      if (unknown.length) {
        return E.left(
          unknown.map((k) => ({
            code: 'unknown-option',
            message: `branch family '${family.name}' has no option '${k}'; options: ${Object.keys(family.meta.options).join(', ')}`,
          })),
        );
      }
      return E.chain((t: BranchType) => this.compileCached(t))(family.create(options));
    }
    return this.compileCached(ref);
  }

  /** `resolve`, throwing a ValidationError that lists every issue. */
  require(ref: BranchTypeRef): CompiledBranchType {
    const result = this.resolve(ref);
    if (E.isLeft(result)) throw new ValidationError(result.left);
    return result.right;
  }

  private compileCached(definition: BranchType): E.Either<Issue[], CompiledBranchType> {
    const cached = this.compiled.get(definition.name);
    if (cached) {
      if (cached.definition.current !== definition.current) {
        throw new KirchhoffError(
          'conflicting-branch-type',
          `two different branch types are named '${definition.name}' ("${cached.definition.current}" and "${definition.current}")`,
        );
      }
      return E.right(cached);
    }
    const result = compileBranchType(definition, this.functions);
    if (E.isRight(result)) this.compiled.set(definition.name, result.right);
    return result;
  }
}
