import type { DependencyContainer } from 'tsyringe';
import { ADJOINT_METHOD } from '../tokens';
import type { AdjointMethod } from './adjoint-method';
import { backsolve } from './backsolve';
import { checkpointed } from './checkpointed';
import { discrete } from './discrete';

/** The gradient methods, sorted by id. */
export const adjointMethods: readonly AdjointMethod[] = [backsolve, checkpointed, discrete];

export function registerAdjointMethods(container: DependencyContainer): void {
  for (const method of adjointMethods) container.register(ADJOINT_METHOD, { useValue: method });
}
