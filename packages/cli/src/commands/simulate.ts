import { extname, resolve } from 'node:path';
import { edgeCount, KirchhoffError, simulateWithEnergy, ValidationError, type EnergyMonitor, type SolverSetup } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { buildSimulation, type OutputFormat, type Overrides, type SimulationPlan } from '../config/build';
import { decodeCircuitFile } from '../config/decode';
import { createContainer, simulate, type SimulationResult } from '../engine';
import type { CliIo } from '../io';
import { CliError, issueIn } from '../issues';
import { toCsv, toJson, totalStats, writeFileAtomic } from '../output';
import { pluginsFor } from '../plugins';

export interface SimulateOptions extends Overrides {
  /** Output file; its extension (.csv, .json) picks the format unless `format` is given. */
  readonly out?: string;
  readonly format?: OutputFormat;
  /** Plugin modules, relative to the working directory. */
  readonly plugin?: readonly string[];
  /** With an `energy` in the file: fail (`energy-increased`) if one step raises it by more than this. */
  readonly checkEnergy?: number;
}

export interface SimulateReport {
  readonly plan: SimulationPlan;
  readonly result: SimulationResult;
  readonly wallTimeMs: number;
  readonly format: OutputFormat;
  /** Absolute path written, or undefined for standard output. */
  readonly outPath?: string;
  /** With an `energy` in the file: E at the start and end, and its largest increase in one step, per sample. */
  readonly energy?: { readonly initial: number[]; readonly final: number[]; readonly maxIncrease: number[] };
}

function outputTarget(plan: SimulationPlan, options: SimulateOptions, cwd: string): { path?: string; format: OutputFormat } {
  const path = options.out !== undefined ? resolve(cwd, options.out) : plan.output.path;
  const extension = path === undefined ? '' : extname(path).toLowerCase();
  const byExtension: OutputFormat | undefined = extension === '.json' ? 'json' : extension === '.csv' ? 'csv' : undefined;
  const format = options.format ?? (options.out !== undefined ? byExtension : undefined) ?? plan.output.format ?? byExtension ?? 'csv';
  return { path, format };
}

const fmt = (xs: Float64Array) => (xs.length <= 4 ? Array.from(xs, (x) => x.toPrecision(6)).join(', ') : `${xs[0].toPrecision(6)}, … (${xs.length} samples)`);
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function describeSolver(name: string, setup: SolverSetup): string {
  const { controller, internalControl } = setup.options;
  const settings = controller?.settings ?? internalControl;
  const parts = [
    settings?.rtol !== undefined && `rtol ${settings.rtol}`,
    settings?.atol !== undefined && `atol ${settings.atol}`,
    controller && `controller ${controller.controller.name}`,
    setup.options.errorControl === 'per-sample' && 'per-sample error control',
  ].filter(Boolean);
  return `${name}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/**
 * `kirchhoff simulate <file>`: decodes and builds the model, runs it, writes the voltages at the save
 * times (CSV or JSON) and prints a summary on stderr. Expected failures are thrown as CliError.
 */
export async function simulateCommand(file: string, options: SimulateOptions, io: CliIo): Promise<SimulateReport> {
  const decoded = await decodeCircuitFile(file, io.cwd);
  if (E.isLeft(decoded)) throw new CliError(decoded.left);
  const slices = decoded.right.file.slices;
  if (options.tEnd !== undefined && slices && slices.length > 1) {
    throw new CliError([{ ...issueIn(file, 'usage', `--t-end applies to single-slice files; this one has ${slices.length} slices (edit their durations instead)`), where: '--t-end' }], 2);
  }
  const plugins = await pluginsFor(decoded.right, options.plugin ?? [], io.cwd);
  const built = buildSimulation(decoded.right, createContainer(plugins), options);
  if (E.isLeft(built)) throw new CliError(built.left);
  const plan = built.right;

  const started = performance.now();
  let result: SimulationResult;
  let monitor: EnergyMonitor | undefined;
  try {
    const request = { model: plan.model, input: plan.input, batch: plan.batch, setup: plan.setup, saveAt: plan.saveAt };
    if (plan.energy) {
      const monitored = simulateWithEnergy(request, plan.energy);
      monitor = monitored.energy;
      result = monitored;
      if (options.checkEnergy !== undefined) monitor.assertNonIncreasing(options.checkEnergy);
    } else result = simulate(request);
  } catch (err) {
    if (err instanceof ValidationError) throw new CliError(err.issues.map((i) => issueIn(file, i.code, i.where ? `${i.where}: ${i.message}` : i.message)));
    if (err instanceof KirchhoffError) throw new CliError([issueIn(file, err.code, err.message)]);
    throw err;
  }
  const wallTimeMs = performance.now() - started;

  const target = outputTarget(plan, options, io.cwd);
  const trajectory = { numNodes: plan.model.numNodes, batch: plan.batch, times: result.times, states: result.states };
  const text = target.format === 'json' ? toJson(trajectory, plan.solver, { perSlice: result.perSlice, wallTimeMs }) : toCsv(trajectory);
  if (target.path === undefined) io.out(text);
  else {
    try {
      await writeFileAtomic(target.path, text);
    } catch (err) {
      throw new CliError([{ ...issueIn(file, 'output-unwritable', `cannot write ${target.path}: ${(err as Error).message}`), where: options.out !== undefined ? '--out' : `${file}: output.path` }]);
    }
  }

  const totals = totalStats(result.perSlice);
  const edges = plan.model.slices.map((s) => edgeCount(s.circuit));
  const end = plan.model.slices.reduce((t, s) => t + s.duration, 0);
  io.err(
    [
      `${file}${plan.description ? ` (${plan.description})` : ''}`,
      `  ${count(plan.model.numNodes, 'node')}, ${count(plan.batch, 'sample')}, ${count(edges.length, 'slice')} over [0, ${end}] with ${edges.join(' + ')} edges`,
      `  solver ${describeSolver(plan.solver.name, plan.setup)}: NFE ${totals.nfe}, ${totals.acceptedSteps} accepted / ${totals.rejectedSteps} rejected steps, ${wallTimeMs.toFixed(1)} ms`,
      `  ${count(result.times.length, 'save time')} × ${count(plan.batch, 'sample')} → ${target.path ?? 'standard output'} (${target.format})`,
      ...(monitor ? [`  energy over ${count(monitor.steps, 'step')}: largest increase in one step ${Math.max(...monitor.maxIncrease).toExponential(3)} (≤ 0: never increased), E ${fmt(monitor.initial)} → ${fmt(monitor.final)}`] : []),
    ].join('\n') + '\n',
  );
  const energy = monitor && { initial: Array.from(monitor.initial), final: Array.from(monitor.final), maxIncrease: Array.from(monitor.maxIncrease) };
  return { plan, result, wallTimeMs, format: target.format, ...(target.path !== undefined && { outPath: target.path }), ...(energy && { energy }) };
}
