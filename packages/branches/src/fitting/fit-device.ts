import * as E from 'fp-ts/Either';
import { compileBranchType, defineBranch, FunctionTable, type BranchType, type CompiledBranchType, type Issue } from '@kirchhoff/core';
import { MAX_SPLINE_KNOTS, polynomialLaw, splineLaw } from './device-laws';
import { curveOf, ivExtrema, type IvExtremum } from './extrema';
import type { IvData } from './iv-csv';
import { fitPolynomial } from './polynomial-fit';
import { smoothingSpline } from './spline';

/** Highest polynomial degree offered: the `polynomial` family's limit, and past KANalogue's 15. */
export const MAX_FIT_DEGREE = 20;

export type FitMethod =
  | { readonly kind: 'polynomial'; readonly degree: number }
  /** `smoothing` s ≥ 0 bounds Σ(I − fit)²; 0 (the default) interpolates every point. */
  | { readonly kind: 'spline'; readonly smoothing?: number };

export interface FitDeviceOptions {
  readonly method: FitMethod;
  /** Id of the device (kebab-case). */
  readonly name: string;
  /** Where the points came from, for the description (e.g. the file name). */
  readonly source?: string;
}

/** How well the device reproduces the points, measured on the compiled law itself. */
export interface FitErrorReport {
  readonly points: number;
  readonly rmse: number;
  readonly maxError: number;
  /** Voltage of the point with the largest error. */
  readonly maxErrorAt: number;
  /** max |I| over the points: KANalogue's normalisation of the error. */
  readonly iMax: number;
  /** rmse / iMax (KANalogue's "RMSE/I_max"); NaN when every current is 0. */
  readonly relativeRmse: number;
}

export interface FitReport extends FitErrorReport {
  readonly method: FitMethod;
  readonly vMin: number;
  readonly vMax: number;
  /** Polynomial fits: max|R_kk|/min|R_kk| of the QR factor, a lower bound on the condition number. */
  readonly conditionEstimate?: number;
  /** Spline fits: the smoothing weight λ that met the bound (0 when interpolating). */
  readonly lambda?: number;
  /** Peaks and valleys of the fitted device inside the data range, from its exact slope. */
  readonly extrema: readonly IvExtremum[];
}

export interface FittedDevice {
  readonly definition: BranchType;
  readonly compiled: CompiledBranchType;
  readonly report: FitReport;
}

/** Errors of `device` at the data points. */
export function fitError(data: IvData, device: (voltage: number) => number): FitErrorReport {
  const n = data.voltages.length;
  let sum = 0;
  let maxError = 0;
  let maxErrorAt = data.voltages[0];
  let iMax = 0;
  for (let k = 0; k < n; k++) {
    const error = Math.abs(device(data.voltages[k]) - data.currents[k]);
    sum += error * error;
    if (error > maxError) [maxError, maxErrorAt] = [error, data.voltages[k]];
    iMax = Math.max(iMax, Math.abs(data.currents[k]));
  }
  const rmse = Math.sqrt(sum / n);
  return { points: n, rmse, maxError, maxErrorAt, iMax, relativeRmse: iMax > 0 ? rmse / iMax : NaN };
}

const fitIssue = (code: string, message: string): Issue => ({ code, message, where: 'fit-device' });

function problemsWith(data: IvData, method: FitMethod): Issue[] {
  const { voltages, currents } = data;
  const points = voltages.length;
  if (points < 2 || currents.length !== points) return [fitIssue('invalid-data', `need at least 2 points with one current each, got ${points} voltages and ${currents.length} currents`)];
  const descent = voltages.findIndex((v, k) => k > 0 && !(v > voltages[k - 1]));
  if (descent > 0) return [fitIssue('invalid-data', `voltages must be strictly increasing: ${voltages[descent]} follows ${voltages[descent - 1]}`)];
  if (method.kind === 'polynomial') {
    const { degree } = method;
    if (!Number.isInteger(degree) || degree < 1 || degree > MAX_FIT_DEGREE) {
      return [fitIssue('invalid-degree', `degree must be a whole number from 1 to ${MAX_FIT_DEGREE}, got ${degree}`)];
    }
    if (degree >= points) {
      return [fitIssue('fit-underdetermined', `a degree-${degree} polynomial has ${degree + 1} coefficients but there are only ${points} points; use degree ≤ ${points - 1}`)];
    }
    return [];
  }
  const s = method.smoothing ?? 0;
  const issues = Number.isFinite(s) && s >= 0 ? [] : [fitIssue('invalid-smoothing', `smoothing must be a finite number ≥ 0, got ${s}`)];
  if (points > MAX_SPLINE_KNOTS) {
    issues.push(fitIssue('fit-too-many-knots', `a spline device takes at most ${MAX_SPLINE_KNOTS} points (one knot each), got ${points}; thin the data or fit a polynomial (--degree)`));
  }
  return issues;
}

/**
 * Fits a device to I-V points (least-squares polynomial, or natural cubic spline, either one flat
 * outside the data range), builds its branch type, compiles it, and measures the compiled law against
 * the points, so the reported error is the error of the device a circuit will run.
 */
export function fitDevice(data: IvData, options: FitDeviceOptions): E.Either<Issue[], FittedDevice> {
  const { method } = options;
  const problems = problemsWith(data, method);
  if (problems.length) return E.left(problems);
  const vMin = data.voltages[0];
  const vMax = data.voltages[data.voltages.length - 1];
  const from = options.source ? ` to ${options.source}` : '';
  let current: string;
  let describe: string;
  let diagnostics: Pick<FitReport, 'conditionEstimate' | 'lambda'>;
  if (method.kind === 'polynomial') {
    const result = fitPolynomial(data.voltages, data.currents, method.degree);
    if (!result.ok) return E.left([fitIssue(result.problem.code, result.problem.message)]);
    current = polynomialLaw(result.fit);
    describe = `least-squares polynomial of degree ${method.degree}${from}`;
    diagnostics = { conditionEstimate: result.fit.conditionEstimate };
  } else {
    const s = method.smoothing ?? 0;
    const result = smoothingSpline(data.voltages, data.currents, s);
    current = splineLaw(result.spline);
    describe = s === 0 ? `natural cubic spline through the points${from}` : `natural cubic smoothing spline (s = ${s})${from}`;
    diagnostics = { lambda: result.lambda };
  }
  const definition = defineBranch({
    name: options.name,
    meta: {
      description: `${describe}: ${data.voltages.length} points on [${vMin}, ${vMax}] V, flat outside`,
      params: [],
      kind: 'delta',
      docsUrl: 'packages/branches/docs/fit-device.md',
    },
    current,
  });
  const compiled = compileBranchType(definition, new FunctionTable());
  if (E.isLeft(compiled)) return compiled;
  const curve = curveOf(compiled.right, []);
  const errors = fitError(data, (v) => curve(v).current);
  // A grid step well below the data spacing, so every extremum the data can resolve is found.
  const extrema = ivExtrema(curve, vMin, vMax, Math.max(2000, 20 * data.voltages.length));
  return E.right({ definition, compiled: compiled.right, report: { ...errors, method, vMin, vMax, ...diagnostics, extrema } });
}
