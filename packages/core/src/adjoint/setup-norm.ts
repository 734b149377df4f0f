import type { SolverSetupOptions } from '../ode/config';
import type { ErrorNorm } from '../ode/norm';

/** The setup's options with the controller's error norm replaced (an augmented state needs its own). */
export function withNorm(options: SolverSetupOptions, norm: ErrorNorm): SolverSetupOptions {
  if (!options.controller) return options;
  return { ...options, controller: { ...options.controller, settings: { ...options.controller.settings, norm } } };
}
