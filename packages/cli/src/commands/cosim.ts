import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cosimulate, formatSi, KirchhoffError, ngspiceVersion, type CosimResult } from '@kirchhoff/core';
import type { CliIo } from '../io';
import { CliError, issueIn } from '../issues';
import { describeScaling, reportLines } from '../spice/format';
import { KIRCHHOFF_TOLERANCE, loadSpiceTarget, tightSolver, type SpiceTargetOptions } from '../spice/target';
import { scalingOf, transientOf, type SpiceScalingOptions } from './export';

export interface CosimOptions extends SpiceTargetOptions, SpiceScalingOptions {
  /** Agreement tolerances (model volts): |Δ| ≤ max(rtol·|v|, atol). */
  readonly rtol?: number;
  readonly atol?: number;
  /** Tolerance of Kirchhoff's dopri5 (default 1e-10). */
  readonly kirchhoffTol?: number;
  /** The ngspice executable. */
  readonly ngspice?: string;
  /** Keep each slice's deck, data and log in <dir>/slice-<k>. */
  readonly keep?: string;
  /** Seconds per ngspice run. */
  readonly timeout?: number;
  readonly settlingTolerance?: number;
  readonly json?: boolean;
}

export interface CosimReport {
  readonly target: string;
  readonly sample: string;
  readonly ngspice?: string;
  readonly result: CosimResult;
}

const exp = (x: number) => x.toExponential(1);
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

function describe(report: CosimReport, kirchhoffTol: number): string {
  const { result } = report;
  const s = result.scaling;
  const lines = [`${report.target}: ${report.sample}; ${report.ngspice ?? 'ngspice'}`, `  ${describeScaling(s)}`];
  for (const slice of result.slices) {
    const stats = slice.ngspiceStats;
    const steps = stats['Transient timepoints'] !== undefined ? `, ${stats['Transient timepoints']} timepoints` : '';
    const analysis = stats['Transient analysis time'] !== undefined ? ` (transient analysis ${stats['Transient analysis time']} s)` : '';
    lines.push(
      `  slice ${slice.slice + 1}: ${slice.branches} B-sources, ${(slice.netlistBytes / 1e6).toFixed(slice.netlistBytes < 1e5 ? 3 : 1)} MB deck; ngspice ${seconds(slice.ngspiceMs)}${analysis}${steps}; ` +
        `worst node ${slice.worstNode}: |Δ| ${formatSi(slice.maxAbsError * s.voltage, 'V')}, relative ${exp(slice.maxRelError)} — ${slice.passed ? 'ok' : 'FAILED'}`,
    );
  }
  const last = result.slices[result.slices.length - 1];
  const T = last.t1 * s.timeConstant;
  lines.push(`  readout at T = ${formatSi(T, 's')}:`);
  for (const n of result.readoutNodes.slice(0, 20)) {
    lines.push(`    node ${n}: Kirchhoff ${(last.kirchhoff[n - 1] * s.voltage).toPrecision(10)} V, ngspice ${(last.spice[n - 1] * s.voltage).toPrecision(10)} V`);
  }
  if (result.readoutNodes.length > 20) lines.push(`    … ${result.readoutNodes.length - 20} more`);
  const w = result.worst;
  lines.push(
    `  agreement: worst relative error ${exp(w.maxRelError)} (slice ${w.slice + 1}, node ${w.worstNode}) against rtol ${result.rtol}, atol ${formatSi(result.atol * s.voltage, 'V')} — ${result.passed ? 'ok' : 'FAILED'}`,
  );
  const ngspiceMs = result.slices.reduce((t, x) => t + x.ngspiceMs, 0);
  lines.push(`  run time: ngspice ${seconds(ngspiceMs)} in all; Kirchhoff (dopri5 at ${kirchhoffTol}, dense output) ${seconds(result.kirchhoffMs)}`);
  lines.push(...reportLines(result.spiceReport, s, "ngspice's trajectory").map((l) => `  ${l}`));
  return `${lines.join('\n')}\n`;
}

/**
 * `kirchhoff cosim <target>`: exports every slice of one sample's circuit, runs ngspice on each (slice k + 1
 * from where ngspice's slice k ended), and compares the node voltages at every slice end with Kirchhoff's
 * own simulation. Exit 1 when they disagree beyond the tolerance.
 */
export async function cosimCommand(target: string, options: CosimOptions, io: CliIo): Promise<CosimReport> {
  const loaded = await loadSpiceTarget(target, options, io);
  const ngspice = {
    ...(options.ngspice !== undefined && { binary: options.ngspice }),
    ...(options.timeout !== undefined && { timeoutMs: options.timeout * 1000 }),
  };
  const keep = options.keep !== undefined ? resolve(io.cwd, options.keep) : undefined;
  if (keep !== undefined) mkdirSync(keep, { recursive: true });
  const kirchhoffTol = options.kirchhoffTol ?? KIRCHHOFF_TOLERANCE;
  let result: CosimResult;
  try {
    result = await cosimulate({
      model: loaded.model,
      input: loaded.input,
      setup: tightSolver(loaded, kirchhoffTol),
      functions: loaded.functions,
      scaling: scalingOf(options),
      transient: transientOf(options),
      readoutNodes: loaded.readoutNodes,
      ngspice: keep !== undefined ? { ...ngspice, workDir: keep } : ngspice,
      ...(options.rtol !== undefined && { rtol: options.rtol }),
      ...(options.atol !== undefined && { atol: options.atol }),
      ...(options.settlingTolerance !== undefined && { settlingTolerance: options.settlingTolerance }),
      title: `Kirchhoff co-simulation: ${loaded.shown}, ${loaded.sample}`,
    });
  } catch (err) {
    if (err instanceof KirchhoffError) throw new CliError([{ ...issueIn(loaded.shown, err.code, err.message), ...(err.code === 'ngspice-not-found' && options.ngspice !== undefined && { where: '--ngspice' }) }]);
    throw err;
  }
  const report: CosimReport = { target: loaded.shown, sample: loaded.sample, ...(ngspiceVersionOf(options.ngspice) && { ngspice: ngspiceVersionOf(options.ngspice) }), result };
  io.out(options.json ? `${JSON.stringify(jsonOf(report), null, 2)}\n` : describe(report, kirchhoffTol));
  if (keep !== undefined) io.err(`each slice's deck, data and ngspice log: ${join(keep, 'slice-<k>')}\n`);
  if (!result.passed) {
    const w = result.worst;
    throw new CliError([
      issueIn(loaded.shown, 'cosim-disagreement', `ngspice and Kirchhoff disagree by ${exp(w.maxRelError)} (relative) at node ${w.worstNode} at the end of slice ${w.slice + 1}; tolerance rtol ${result.rtol.toExponential()}, atol ${result.atol.toExponential()} V`),
    ]);
  }
  return report;
}

const ngspiceVersionOf = (binary: string | undefined) => ngspiceVersion(binary !== undefined ? { binary } : {});

/** Typed arrays as lists, for JSON. */
function jsonOf(report: CosimReport): unknown {
  return JSON.parse(JSON.stringify(report, (_, value) => (ArrayBuffer.isView(value) ? Array.from(value as Float64Array) : value)));
}
