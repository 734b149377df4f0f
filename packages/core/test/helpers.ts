import * as E from 'fp-ts/Either';
import { compileBranchType, defineBranch, type CompiledBranchType } from '../src/symbolic/branch-type';
import { FunctionTable } from '../src/symbolic/function-table';

/** Core's tests use their own laws: core knows no concrete branch package. */
export function testType(current: string, params: string[], kind: 'delta' | 'controlled' = 'controlled'): CompiledBranchType {
  const result = compileBranchType(
    defineBranch({ name: 'test-law', meta: { description: current, params: params.map((name) => ({ name })), kind }, current }),
    new FunctionTable(),
  );
  if (E.isLeft(result)) throw new Error(result.left.map((i) => i.message).join('\n'));
  return result.right;
}

export function unwrap<T>(value: E.Either<{ message: string }[], T>): T {
  if (E.isLeft(value)) throw new Error(value.left.map((i) => i.message).join('\n'));
  return value.right;
}
