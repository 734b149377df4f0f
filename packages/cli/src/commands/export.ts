import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  KirchhoffError,
  resolveScaling,
  sampleTrajectory,
  sliceBoundaries,
  voltageReport,
  writeSpiceNetlist,
  type ResolvedScaling,
  type SpiceTransient,
  type VoltageReport,
} from '@kirchhoff/core';
import type { CliIo } from '../io';
import { CliError, issueIn } from '../issues';
import { writeFileAtomic } from '../output';
import { describeScaling, reportLines } from '../spice/format';
import { loadSpiceTarget, tightSolver, type SpiceTarget, type SpiceTargetOptions } from '../spice/target';

export interface SpiceScalingOptions {
  /** Farads per model farad. */
  readonly capacitance?: number;
  /** Seconds per model time unit. */
  readonly timeConstant?: number;
  /** Volts per model volt. */
  readonly voltageScale?: number;
  /** Output rows per slice (`.tran` step = duration / points). */
  readonly points?: number;
  /** Largest ngspice step, model time units. */
  readonly maxStep?: number;
  readonly reltol?: number;
  readonly method?: 'trap' | 'gear';
}

export interface ExportSpiceOptions extends SpiceTargetOptions, SpiceScalingOptions {
  /** 1-based; default every slice. */
  readonly slice?: number;
  /** One netlist: this file (default standard output). */
  readonly out?: string;
  /** Every selected slice as slice-<k>.cir in this folder. */
  readonly outDir?: string;
  /** Print the voltage ranges, rails and settling times (Kirchhoff's simulation) to stderr. */
  readonly report?: boolean;
  readonly settlingTolerance?: number;
}

export interface ExportSpiceResult {
  readonly target: SpiceTarget;
  readonly scaling: ResolvedScaling;
  /** By 1-based slice number. */
  readonly netlists: ReadonlyMap<number, string>;
  readonly written: readonly string[];
  readonly report?: VoltageReport;
}

export function transientOf(options: SpiceScalingOptions): SpiceTransient {
  return {
    ...(options.points !== undefined && { points: options.points }),
    ...(options.maxStep !== undefined && { maxStep: options.maxStep }),
    ...(options.reltol !== undefined && { reltol: options.reltol }),
    ...(options.method !== undefined && { method: options.method }),
  };
}

export function scalingOf(options: SpiceScalingOptions) {
  return {
    ...(options.capacitance !== undefined && { capacitance: options.capacitance }),
    ...(options.timeConstant !== undefined && { timeConstant: options.timeConstant }),
    ...(options.voltageScale !== undefined && { voltage: options.voltageScale }),
  };
}

/** Core's SPICE errors (a function SPICE lacks, a node without capacitance) located at the target. */
export function atTarget<T>(shown: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof KirchhoffError) throw new CliError([issueIn(shown, err.code, err.message)]);
    throw err;
  }
}

/**
 * `kirchhoff export spice <target>`: an ngspice netlist per slice of one sample's circuit. Slice k > 1
 * starts from the voltages Kirchhoff's own simulation reaches at its start (docs/spice.md: slices are
 * chained through initial conditions, one netlist each).
 */
export async function exportSpiceCommand(target: string, options: ExportSpiceOptions, io: CliIo): Promise<ExportSpiceResult> {
  const loaded = await loadSpiceTarget(target, options, io);
  const { model } = loaded;
  const S = model.slices.length;
  const usage = (message: string, where: string) => new CliError([{ ...issueIn(loaded.shown, 'usage', message), where }], 2);
  if (options.slice !== undefined && (!Number.isInteger(options.slice) || options.slice < 1 || options.slice > S)) {
    throw usage(`the model has slice${S === 1 ? ' 1' : `s 1..${S}`}, got ${options.slice}`, '--slice');
  }
  const selected = options.slice !== undefined ? [options.slice] : Array.from({ length: S }, (_, k) => k + 1);
  if (selected.length > 1 && options.outDir === undefined) {
    throw usage(`the model has ${S} slices, one netlist each: pass --slice k for one (to standard output or --out), or --out-dir for all`, '--slice');
  }
  if (options.out !== undefined && options.outDir !== undefined) throw usage('give --out or --out-dir, not both', '--out');
  const scaling = atTarget(loaded.shown, () => resolveScaling(scalingOf(options)));
  const transient = transientOf(options);
  const points = transient.points ?? 200;
  // Kirchhoff's trajectory gives the later slices their initial voltages, and the report.
  const needsTrajectory = options.report === true || selected.some((k) => k > 1);
  const trajectory = needsTrajectory ? atTarget(loaded.shown, () => sampleTrajectory(model, loaded.input, tightSolver(loaded), points)) : undefined;
  const spans = sliceBoundaries(model);
  const netlists = new Map<number, string>();
  for (const k of selected) {
    const initial = k === 1 ? loaded.input : trajectory!.trajectory.states[points * (k - 1)];
    const { circuit, duration } = model.slices[k - 1];
    const text = atTarget(loaded.shown, () =>
      writeSpiceNetlist({
        circuit,
        duration,
        initial,
        functions: loaded.functions,
        scaling: scalingOf(options),
        transient,
        readoutNodes: loaded.readoutNodes,
        title: `Kirchhoff export: ${loaded.shown}${loaded.description ? ` (${loaded.description})` : ''}, ${loaded.sample}, slice ${k} of ${S}`,
        notes: [
          `Slice ${k} covers model time [${spans[k - 1].t0}, ${spans[k - 1].t1}]${k > 1 ? "; its initial voltages are where Kirchhoff's simulation of the earlier slices ends" : '; its initial voltages are the input'}.`,
          `Readout: node${loaded.readoutNodes.length === 1 ? '' : 's'} ${loaded.readoutNodes.join(', ')}.`,
        ],
      }),
    );
    netlists.set(k, text);
  }
  const written: string[] = [];
  if (options.outDir !== undefined) {
    const dir = resolve(io.cwd, options.outDir);
    mkdirSync(dir, { recursive: true });
    for (const [k, text] of netlists) {
      const path = join(dir, `slice-${k}.cir`);
      await writeFileAtomic(path, text);
      written.push(path);
    }
  } else if (options.out !== undefined) {
    const path = resolve(io.cwd, options.out);
    await writeFileAtomic(path, netlists.get(selected[0])!);
    written.push(path);
  } else io.out(netlists.get(selected[0])!);

  const branches = model.slices.map((s) => s.circuit.groups.reduce((n, g) => n + g.size, 0));
  const types = [...new Set(model.slices.flatMap((s) => s.circuit.groups.map((g) => g.type.definition.name)))];
  const lines = [
    `${loaded.shown}: ${loaded.kind}${loaded.description ? ` (${loaded.description})` : ''}, ${loaded.sample}`,
    `  ${model.numNodes} nodes, ${S} slice${S === 1 ? '' : 's'} of ${branches.join(' + ')} branches (${types.join(', ')}): slice ${selected.join(', ')} → ${written.length ? written.join(', ') : 'standard output'}`,
    `  ${describeScaling(scaling)}`,
  ];
  let report: VoltageReport | undefined;
  if (options.report && trajectory) {
    report = atTarget(loaded.shown, () =>
      voltageReport(trajectory.trajectory, { slices: spans, readoutNodes: loaded.readoutNodes, ...(options.settlingTolerance !== undefined && { tolerance: options.settlingTolerance }) }),
    );
    lines.push(...reportLines(report, scaling, `Kirchhoff's dopri5 at 1e-10, ${points} points per slice`).map((l) => `  ${l}`));
  }
  io.err(`${lines.join('\n')}\n`);
  return { target: loaded, scaling, netlists, written, ...(report && { report }) };
}
