import { container as rootContainer, type DependencyContainer } from 'tsyringe';

/**
 * A fresh container for one program or test: a child of tsyringe's root, so nothing registered in one
 * run leaks into another. Plugin packages add themselves with their `registerX(container)` functions.
 */
export function createKirchhoffContainer(): DependencyContainer {
  return rootContainer.createChildContainer();
}
