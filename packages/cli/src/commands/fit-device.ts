import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { branchModuleSource, fitDevice, parseIvCsv, type FitMethod, type FitReport } from '@kirchhoff/branches';
import type { BranchType, Issue } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import type { CliIo } from '../io';
import { CliError, issueIn, type FileIssue } from '../issues';
import { writeFileAtomic } from '../output';

export interface FitDeviceCommandOptions {
  /** Least-squares polynomial of this degree (1–20); exclusive with `spline`. */
  readonly degree?: number;
  /** Natural cubic spline through the points (or smoothed, with `smoothing`); exclusive with `degree`. */
  readonly spline?: boolean;
  /** Spline only: bound s on Σ(I − fit)², as KANalogue's s (default 0: interpolate). */
  readonly smoothing?: number;
  /** Id of the device type; default: the file's base name in kebab case plus `-poly-<n>` or `-spline`. */
  readonly name?: string;
  /** Where to write the module (a .mjs file, written atomically); default: standard output. */
  readonly out?: string;
}

export interface FitDeviceReport {
  readonly definition: BranchType;
  readonly fit: FitReport;
  /** The module's text, as written. */
  readonly source: string;
  /** Absolute path written, or undefined for standard output. */
  readonly outPath?: string;
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

const usage = (where: string, message: string) => new CliError([{ code: 'usage', message, where }], 2);

/** `Z15_armchair.csv` → `z15-armchair`: a kebab-case id from a file name, starting with a letter. */
export function deviceIdFromFile(file: string): string {
  const stem = basename(file, extname(file))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return /^[a-z]/.test(stem) ? stem : `device${stem ? `-${stem}` : ''}`;
}

function chooseMethod(options: FitDeviceCommandOptions): FitMethod {
  const hasDegree = options.degree !== undefined;
  if (hasDegree === Boolean(options.spline)) {
    throw usage('fit-device', hasDegree ? 'give either --degree or --spline, not both' : 'give --degree <n> for a least-squares polynomial or --spline for a cubic spline');
  }
  if (options.smoothing !== undefined && !options.spline) throw usage('--smoothing', '--smoothing applies to --spline fits');
  return hasDegree ? { kind: 'polynomial', degree: Number(options.degree) } : { kind: 'spline', ...(options.smoothing !== undefined && { smoothing: Number(options.smoothing) }) };
}

/** Fit problems point at the option that caused them, the rest at the data file. */
function locate(file: string, issue: Issue): FileIssue {
  const option = (
    {
      'invalid-degree': '--degree',
      'fit-underdetermined': '--degree',
      'fit-rank-deficient': '--degree',
      'invalid-smoothing': '--smoothing',
      'fit-too-many-knots': '--spline',
    } as Record<string, string>
  )[issue.code];
  return { ...issueIn(file, issue.code, issue.message), ...(option && { where: option }) };
}

/** Four significant digits; exponent form below 0.01 (mA-scale currents, small errors), where decimals get long. */
const num = (x: number) => (x === 0 || !Number.isFinite(x) || (Math.abs(x) >= 1e-2 && Math.abs(x) < 1e6) ? String(Number(x.toPrecision(4))) : x.toExponential(3));

function methodText(fit: FitReport): string {
  const { method } = fit;
  if (method.kind === 'polynomial') {
    return `least-squares polynomial of degree ${method.degree} (Householder QR on the scaled voltage; condition ≥ ${num(fit.conditionEstimate ?? NaN)})`;
  }
  return method.smoothing ? `natural cubic smoothing spline, Σ(I − fit)² ≤ ${method.smoothing} (λ = ${num(fit.lambda ?? NaN)})` : 'natural cubic spline through every point';
}

function errorText(fit: FitReport): string {
  return `RMSE ${num(fit.rmse)}, max error ${num(fit.maxError)} at ${num(fit.maxErrorAt)} V, RMSE/I_max ${num(fit.relativeRmse)}`;
}

function commandLine(file: string, method: FitMethod, name: string): string {
  const how = method.kind === 'polynomial' ? `--degree ${method.degree}` : `--spline${method.smoothing ? ` --smoothing ${method.smoothing}` : ''}`;
  return `kirchhoff fit-device ${file} ${how} --name ${name}`;
}

/**
 * `kirchhoff fit-device <data.csv> (--degree <n> | --spline [--smoothing <s>]) [--name <id>] [--out <file.mjs>]`:
 * fits a device to measured or simulated I-V points and writes a branch-type module that `--plugin`
 * loads. The fit report (error, condition, the fit's peaks and valleys) goes to stderr. Bad usage exits
 * with 2, a bad file or an impossible fit with 1, each problem located at its line or option.
 */
export async function fitDeviceCommand(file: string, options: FitDeviceCommandOptions, io: CliIo): Promise<FitDeviceReport> {
  const method = chooseMethod(options);
  const name = options.name ?? `${deviceIdFromFile(file)}-${method.kind === 'polynomial' ? `poly-${method.degree}` : 'spline'}`;
  if (!KEBAB.test(name)) throw usage('--name', `the device id must be kebab-case, such as 'z15-poly-10', got '${name}'`);
  if (options.out !== undefined && extname(options.out) !== '.mjs') {
    throw usage('--out', `write the module to a .mjs file, which Node loads as an ES module wherever it is, got '${options.out}'`);
  }

  const path = resolve(io.cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError([issueIn(file, 'file-unreadable', `cannot read ${path}: ${(err as Error).message}`)]);
  }
  const data = parseIvCsv(text, file);
  if (E.isLeft(data)) throw new CliError(data.left.map((i): FileIssue => ({ ...i, path: '' })));
  const fitted = fitDevice(data.right, { method, name, source: basename(file) });
  if (E.isLeft(fitted)) throw new CliError(fitted.left.map((i) => locate(file, i)));
  const { definition, report } = fitted.right;

  const source = branchModuleSource(definition, {
    header: [`Generated by: ${commandLine(file, method, name)}`, `${methodText(report)}; ${errorText(report)}`],
    report,
  });
  const outPath = options.out === undefined ? undefined : resolve(io.cwd, options.out);
  if (outPath === undefined) io.out(source);
  else {
    try {
      await writeFileAtomic(outPath, source);
    } catch (err) {
      throw new CliError([{ ...issueIn(file, 'output-unwritable', `cannot write ${outPath}: ${(err as Error).message}`), where: '--out' }]);
    }
  }

  const extrema = report.extrema.map((e) => `${e.kind} ${num(e.voltage)} V / ${num(e.current)}`);
  io.err(
    [
      `${file}: ${report.points} points on [${report.vMin}, ${report.vMax}] V, max |I| ${num(report.iMax)}`,
      `  ${methodText(report)}`,
      `  ${errorText(report)}`,
      `  fitted device: ${extrema.length ? extrema.join(', ') : 'no peak or valley'}`,
      `  → branch type '${name}' in ${outPath ?? 'standard output'}; load it with --plugin`,
    ].join('\n') + '\n',
  );
  return { definition, fit: report, source, ...(outPath !== undefined && { outPath }) };
}
