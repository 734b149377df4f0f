import type { Issue } from '../errors';
import { algebraicEntries, checkMass } from './jacobian';
import { checkOptions } from './options';
import type { SolveOptions } from './solution';
import type { InternalControl, Solver } from './solver';
import { describeStateIndex, type OdeTerm } from './term';

/** Whether the solver hands a controller an error estimate (`yError`) to judge steps by. */
export function estimatesError(solver: Solver): boolean {
  return solver.meta.adaptive && !solver.meta.stepsInternally;
}

/** Every problem with a solve's inputs, collected so that one run reports them all. */
export function checkSolveOptions(term: OdeTerm, solver: Solver, options: SolveOptions): Issue[] {
  const issues: Issue[] = [];
  const { t0, t1, y0 } = options;
  if (y0.length !== term.size) {
    issues.push({ code: 'invalid-initial-state', message: `y0 has ${y0.length} entries, the term ${term.size}`, where: 'y0' });
  }
  issues.push(...checkAlgebraic(term, solver));
  if (!Number.isFinite(t0) || !Number.isFinite(t1)) {
    issues.push({ code: 'invalid-time', message: `t0 and t1 must be finite, got ${t0} and ${t1}`, where: 't0' });
  } else if (options.saveAt) {
    issues.push(...checkSaveAt(options.saveAt, t0, t1));
  }
  const { maxSteps, errorControl } = options;
  if (maxSteps !== undefined && !(Number.isInteger(maxSteps) && maxSteps > 0)) {
    issues.push({ code: 'invalid-max-steps', message: `maxSteps must be a positive whole number, got ${maxSteps}`, where: 'maxSteps' });
  }
  if (errorControl !== undefined && errorControl !== 'batch' && errorControl !== 'per-sample') {
    issues.push({
      code: 'invalid-error-control',
      message: `errorControl must be 'batch' or 'per-sample', got '${String(errorControl)}'`,
      where: 'errorControl',
    });
  }
  if (errorControl === 'per-sample' && term.batch > 1 && !term.withBatch) {
    issues.push({
      code: 'per-sample-unsupported',
      message: 'per-sample error control needs a term with withBatch(1); this term has none',
      where: 'errorControl',
    });
  }
  issues.push(...checkOptions(solver.meta.options, options.solverOptions ?? {}, 'solverOptions'));
  issues.push(...checkControl(solver, options));
  return issues;
}

/**
 * A term with algebraic entries (mass 0: circuit nodes without capacitance) is a differential-algebraic
 * system, which only solvers declaring `meta.algebraic` integrate; an explicit solver would treat the
 * constraints' residuals as derivatives.
 */
function checkAlgebraic(term: OdeTerm, solver: Solver): Issue[] {
  const invalid = checkMass(term);
  if (invalid) return [{ code: 'invalid-term', message: invalid, where: 'term.mass' }];
  if (solver.meta.algebraic) return [];
  const entries = algebraicEntries(term);
  if (entries.length === 0) return [];
  // Entries of sample 0 name the rows ('node 2'); the pattern is the same in every sample.
  const rows = entries.filter((i) => i % term.batch === 0);
  const shown = rows.slice(0, 5).map((i) => describeStateIndex(term, i).replace(/ \(sample 0\)$/, ''));
  const names = shown.join(', ') + (rows.length > shown.length ? ` and ${rows.length - shown.length} more` : '');
  return [
    {
      code: 'algebraic-node',
      message:
        `${names} ${rows.length === 1 ? 'has' : 'have'} no capacitance (algebraic: held by ${rows.length === 1 ? 'its' : 'their'} branches alone), so the circuit is a ` +
        `differential-algebraic system, which solver '${solver.name}' cannot integrate (explicit methods need a capacitance on every node); use an implicit solver ` +
        `(bdf2, tr-bdf2, trapezoidal or backward-euler), or give every node a capacitance`,
      where: 'solver',
    },
  ];
}

function checkSaveAt(saveAt: readonly number[], t0: number, t1: number): Issue[] {
  const direction = t1 >= t0 ? 1 : -1;
  for (let i = 0; i < saveAt.length; i++) {
    const t = saveAt[i];
    const outside = !Number.isFinite(t) || direction * (t - t0) < 0 || direction * (t1 - t) < 0;
    if (outside) {
      return [{ code: 'invalid-save-times', message: `saveAt[${i}] = ${t} lies outside [${t0}, ${t1}]`, where: `saveAt[${i}]` }];
    }
    if (i > 0 && direction * (t - saveAt[i - 1]) < 0) {
      return [
        {
          code: 'invalid-save-times',
          message: `saveAt must be ordered in the direction of integration; saveAt[${i}] = ${t} comes after ${saveAt[i - 1]}`,
          where: `saveAt[${i}]`,
        },
      ];
    }
  }
  return [];
}

function checkControl(solver: Solver, options: SolveOptions): Issue[] {
  const { controller, internalControl } = options;
  if (solver.meta.stepsInternally) {
    const issues: Issue[] = [];
    if (controller) {
      issues.push({
        code: 'controller-not-allowed',
        message: `solver '${solver.name}' steps internally and takes no step controller (got '${controller.controller.name}')`,
        where: 'controller',
      });
    }
    if (!internalControl) {
      issues.push({ code: 'missing-internal-control', message: `solver '${solver.name}' steps internally and needs rtol/atol`, where: 'internalControl' });
    } else issues.push(...checkInternalControl(internalControl, 'internalControl'));
    return issues;
  }
  if (internalControl) {
    return [
      {
        code: 'internal-control-not-allowed',
        message: `solver '${solver.name}' is driven by a step controller; internalControl is for solvers that step internally`,
        where: 'internalControl',
      },
    ];
  }
  if (!controller) return [{ code: 'missing-controller', message: `solver '${solver.name}' needs a step controller`, where: 'controller' }];
  const issues = controller.controller.check(controller.settings, 'controller');
  if (controller.controller.meta.adaptive && !estimatesError(solver)) {
    issues.push({
      code: 'controller-needs-error-estimate',
      message: `controller '${controller.controller.name}' adapts the step to an error estimate, which solver '${solver.name}' does not provide`,
      where: 'controller',
    });
  }
  return issues;
}

export function checkInternalControl(control: Partial<InternalControl>, where: string): Issue[] {
  const issues: Issue[] = [];
  for (const key of ['rtol', 'atol', 'dt0', 'dtMax'] as const) {
    const value = control[key];
    const required = key === 'rtol' || key === 'atol';
    if (value === undefined) {
      if (required) issues.push({ code: 'missing-tolerance', message: `${key} is required`, where: `${where}.${key}` });
    } else if (!(Number.isFinite(value) && value > 0)) {
      issues.push({
        code: required ? 'invalid-tolerance' : 'invalid-step-size',
        message: `${key} must be a positive finite number, got ${value}`,
        where: `${where}.${key}`,
      });
    }
  }
  return issues;
}
