import * as E from 'fp-ts/Either';
import type { Issue } from '../errors';
import type { Registry } from '../registry';
import type { ControllerSettings, StepController } from './controller';
import { checkOptions } from './options';
import { checkInternalControl, estimatesError } from './solve-checks';
import { DEFAULT_MAX_STEPS, type ErrorControl, type SolveOptions } from './solution';
import type { Solver } from './solver';

/** A solver as a config file states it: plain data, validated by `resolveSolverConfig`. */
export interface SolverConfig {
  /** Solver id or alias. */
  readonly name: string;
  readonly rtol?: number;
  readonly atol?: number;
  /** First step for adaptive controllers, the step for the constant controller. */
  readonly dt0?: number;
  readonly dtMin?: number;
  readonly dtMax?: number;
  readonly maxSteps?: number;
  /** Step-controller id; default: the solver's `meta.defaultController`. */
  readonly controller?: string;
  readonly controllerOptions?: Readonly<Record<string, unknown>>;
  readonly errorControl?: ErrorControl;
  /** Solver-specific options. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** Everything `solve` needs besides the term, the interval and y0: spread it into `SolveOptions`. */
export type SolverSetupOptions = Required<Pick<SolveOptions, 'solverOptions' | 'maxSteps' | 'errorControl'>> &
  Pick<SolveOptions, 'controller' | 'internalControl'>;

export interface SolverSetup {
  readonly solver: Solver;
  readonly options: SolverSetupOptions;
}

/** rtol and atol when a config gives none (adaptive solvers only). */
export const DEFAULT_TOLERANCE = 1e-6;

const SETTINGS = ['name', 'rtol', 'atol', 'dt0', 'dtMin', 'dtMax', 'maxSteps', 'controller', 'controllerOptions', 'errorControl', 'options'];
const NUMBERS = ['rtol', 'atol', 'dt0', 'dtMin', 'dtMax', 'maxSteps'] as const;
const ADAPTIVE_ONLY = ['rtol', 'atol', 'dtMin', 'dtMax'] as const;

/**
 * Turns a solver config into a ready setup, or every problem with it: unknown solver or controller
 * (listing the known ones), bad tolerances and step bounds, unknown option keys, a controller given
 * to a solver that steps internally, settings the chosen controller would ignore, and so on.
 * Use it as `solve(term, setup.solver, { ...setup.options, t0, t1, y0 })`.
 */
export function resolveSolverConfig(
  config: SolverConfig,
  solvers: Registry<Solver>,
  controllers: Registry<StepController>,
  where = 'solver',
): E.Either<Issue[], SolverSetup> {
  const issues = checkShape(config, where);
  if (typeof config !== 'object' || config === null) return E.left(issues);
  const knownSolver = typeof config.name === 'string' && solvers.has(config.name);
  const unknownController = typeof config.controller === 'string' && !controllers.has(config.controller);
  if (typeof config.name === 'string' && !knownSolver) {
    issues.push({
      code: 'unknown-solver',
      message: `unknown solver '${config.name}'; known: ${names(solvers)}`,
      where: `${where}.name`,
    });
  }
  if (unknownController) {
    issues.push({
      code: 'unknown-step-controller',
      message: `unknown step controller '${config.controller}'; known: ${names(controllers)}`,
      where: `${where}.controller`,
    });
  }
  // Without a known solver and controller nothing further can be checked; otherwise go on, so that
  // one run reports every problem.
  if (!knownSolver || unknownController) return E.left(dedupe(issues));

  const solver = solvers.byName(config.name);
  issues.push(...checkOptions(solver.meta.options, config.options ?? {}, `${where}.options`));
  const control = solver.meta.stepsInternally
    ? resolveInternalControl(solver, config, where, issues)
    : resolveController(solver, config, controllers, where, issues);
  if (issues.length) return E.left(dedupe(issues));
  return E.right({
    solver,
    options: {
      ...control,
      solverOptions: config.options ?? {},
      maxSteps: config.maxSteps ?? DEFAULT_MAX_STEPS,
      errorControl: config.errorControl ?? 'batch',
    },
  });
}

/** Types and ranges that do not depend on which solver is chosen. */
function checkShape(config: SolverConfig, where: string): Issue[] {
  if (typeof config !== 'object' || config === null) {
    return [{ code: 'invalid-setting', message: `a solver config must be an object, got ${String(config)}`, where }];
  }
  const issues: Issue[] = [];
  for (const key of Object.keys(config)) {
    if (!SETTINGS.includes(key)) {
      issues.push({ code: 'unknown-setting', message: `unknown solver setting '${key}'; allowed: ${SETTINGS.join(', ')}`, where: `${where}.${key}` });
    }
  }
  if (typeof config.name !== 'string') {
    issues.push({ code: 'invalid-setting', message: `name must be a solver id, got ${String(config.name)}`, where: `${where}.name` });
  }
  if (config.controller !== undefined && typeof config.controller !== 'string') {
    issues.push({ code: 'invalid-setting', message: `controller must be a step-controller id`, where: `${where}.controller` });
  }
  for (const key of NUMBERS) {
    const value: unknown = config[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      issues.push({ code: 'invalid-setting', message: `${key} must be a finite number, got ${String(value)}`, where: `${where}.${key}` });
    }
  }
  for (const key of ['rtol', 'atol'] as const) {
    const value = config[key];
    if (typeof value === 'number' && !(value > 0)) {
      issues.push({ code: 'invalid-tolerance', message: `${key} must be positive, got ${value}`, where: `${where}.${key}` });
    }
  }
  for (const key of ['dt0', 'dtMax'] as const) {
    const value = config[key];
    if (typeof value === 'number' && !(value > 0)) {
      issues.push({ code: 'invalid-step-size', message: `${key} must be positive, got ${value}`, where: `${where}.${key}` });
    }
  }
  if (typeof config.dtMin === 'number' && config.dtMin < 0) {
    issues.push({ code: 'invalid-step-size', message: `dtMin must be ≥ 0, got ${config.dtMin}`, where: `${where}.dtMin` });
  }
  const { maxSteps, errorControl } = config;
  if (typeof maxSteps === 'number' && !(Number.isInteger(maxSteps) && maxSteps > 0)) {
    issues.push({ code: 'invalid-max-steps', message: `maxSteps must be a positive whole number, got ${maxSteps}`, where: `${where}.maxSteps` });
  }
  if (errorControl !== undefined && errorControl !== 'batch' && errorControl !== 'per-sample') {
    issues.push({
      code: 'invalid-error-control',
      message: `errorControl must be 'batch' or 'per-sample', got '${String(errorControl)}'`,
      where: `${where}.errorControl`,
    });
  }
  for (const key of ['options', 'controllerOptions'] as const) {
    const value: unknown = config[key];
    if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      issues.push({ code: 'invalid-setting', message: `${key} must be an object of named options`, where: `${where}.${key}` });
    }
  }
  return issues;
}

function resolveInternalControl(solver: Solver, config: SolverConfig, where: string, issues: Issue[]): Pick<SolverSetupOptions, 'internalControl'> {
  for (const key of ['controller', 'controllerOptions'] as const) {
    if (config[key] !== undefined) {
      issues.push({
        code: 'controller-not-allowed',
        message: `solver '${solver.name}' steps internally and takes no step controller`,
        where: `${where}.${key}`,
      });
    }
  }
  if (config.dtMin !== undefined) {
    issues.push({ code: 'unused-setting', message: `solver '${solver.name}' has no minimum step size`, where: `${where}.dtMin` });
  }
  const internalControl = {
    rtol: config.rtol ?? DEFAULT_TOLERANCE,
    atol: config.atol ?? DEFAULT_TOLERANCE,
    ...(config.dt0 !== undefined && { dt0: config.dt0 }),
    ...(config.dtMax !== undefined && { dtMax: config.dtMax }),
  };
  issues.push(...checkInternalControl(internalControl, where));
  return { internalControl };
}

function resolveController(
  solver: Solver,
  config: SolverConfig,
  controllers: Registry<StepController>,
  where: string,
  issues: Issue[],
): Pick<SolverSetupOptions, 'controller'> {
  const controllerName = config.controller ?? solver.meta.defaultController;
  if (controllerName === undefined || !controllers.has(controllerName)) {
    issues.push({
      code: controllerName === undefined ? 'missing-controller' : 'unknown-step-controller',
      message: `solver '${solver.name}' needs a step controller${controllerName === undefined ? '' : `; its default '${controllerName}' is not registered`}; known: ${names(controllers)}`,
      where: `${where}.controller`,
    });
    return {};
  }
  const controller = controllers.byName(controllerName);
  let settings: ControllerSettings;
  if (controller.meta.adaptive) {
    if (!estimatesError(solver)) {
      issues.push({
        code: 'controller-needs-error-estimate',
        message: `controller '${controller.name}' adapts the step to an error estimate, which solver '${solver.name}' does not provide; use 'constant' with dt0`,
        where: `${where}.controller`,
      });
    }
    settings = {
      rtol: config.rtol ?? DEFAULT_TOLERANCE,
      atol: config.atol ?? DEFAULT_TOLERANCE,
      ...(config.dt0 !== undefined && { dt0: config.dt0 }),
      ...(config.dtMin !== undefined && { dtMin: config.dtMin }),
      ...(config.dtMax !== undefined && { dtMax: config.dtMax }),
      ...(config.controllerOptions !== undefined && { options: config.controllerOptions }),
    };
  } else {
    for (const key of ADAPTIVE_ONLY) {
      if (config[key] !== undefined) {
        issues.push({
          code: 'unused-setting',
          message: `controller '${controller.name}' uses a fixed step; ${key} would be ignored`,
          where: `${where}.${key}`,
        });
      }
    }
    settings = {
      ...(config.dt0 !== undefined && { dt0: config.dt0 }),
      ...(config.controllerOptions !== undefined && { options: config.controllerOptions }),
    };
  }
  const optionsPath = `${where}.options`;
  for (const issue of controller.check(settings, where)) {
    const at = issue.where?.startsWith(optionsPath) ? `${where}.controllerOptions${issue.where.slice(optionsPath.length)}` : issue.where;
    issues.push({ ...issue, where: at });
  }
  return { controller: { controller, settings } };
}

function names(registry: Registry<{ readonly name: string }>): string {
  return registry.list().map((item) => item.name).join(', ') || '(none registered)';
}

/** The same problem found by a shared check and a plugin's own check is reported once. */
function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.code}@${issue.where ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
