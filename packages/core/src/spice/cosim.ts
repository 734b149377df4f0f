import { join } from 'node:path';
import { KirchhoffError } from '../errors';
import { sliceBoundaries, type Model } from '../model/model';
import { simulateModel } from '../model/simulate';
import type { SolverSetup } from '../ode/config';
import type { FunctionTable } from '../symbolic/function-table';
import { resolveScaling, writeSpiceNetlist, type ResolvedScaling, type SpiceScaling, type SpiceTransient, DEFAULT_SPICE_TRANSIENT } from './netlist';
import { nodeVoltage, runNgspice, type NgspiceOptions } from './ngspice';
import { voltageReport, type Trajectory, type VoltageReport } from './report';

/**
 * Co-simulation: the model's slices exported one netlist each and run in ngspice, each slice starting
 * from the voltages ngspice's previous slice ended in (so errors accumulate as they would in a chain of
 * real circuits), against Kirchhoff's own simulation of the same sample.
 */
export interface CosimRequest {
  readonly model: Model;
  /** Initial voltages of nodes 1..N (one sample), model volts. */
  readonly input: ArrayLike<number>;
  /** Kirchhoff's side: a tight solver (the comparison is only as good as it). */
  readonly setup: SolverSetup;
  readonly functions?: FunctionTable;
  readonly scaling?: SpiceScaling;
  readonly transient?: SpiceTransient;
  readonly readoutNodes?: readonly number[];
  /** ngspice settings; with a `workDir`, slice k's deck, data and log are kept in <workDir>/slice-<k> (1-based). */
  readonly ngspice?: NgspiceOptions;
  /** Agreement: |v_spice − v_kirchhoff| ≤ max(rtol·|v_kirchhoff|, atol), model volts (defaults 1e-4, 1e-6). */
  readonly rtol?: number;
  readonly atol?: number;
  /** Relative settling tolerance of the reports (default 0.01). */
  readonly settlingTolerance?: number;
  /** Title of every deck (the slice is added). */
  readonly title?: string;
  /** Called with each slice's netlist before it runs (to save it). */
  readonly onNetlist?: (slice: number, netlist: string) => void;
}

export interface SliceAgreement {
  readonly slice: number;
  /** Model time units. */
  readonly t0: number;
  readonly t1: number;
  /** Node voltages at t1, model volts. */
  readonly kirchhoff: Float64Array;
  readonly spice: Float64Array;
  readonly maxAbsError: number;
  /** max over nodes of |Δ| / max(|v_kirchhoff|, atol/rtol), the quantity the tolerance bounds by rtol. */
  readonly maxRelError: number;
  readonly worstNode: number;
  readonly passed: boolean;
  readonly ngspiceMs: number;
  /** ngspice's own figures (`rusage`): e.g. `Transient analysis time`, `Transient timepoints`. */
  readonly ngspiceStats: Readonly<Record<string, number>>;
  readonly netlistBytes: number;
  readonly branches: number;
}

export interface CosimResult {
  readonly scaling: ResolvedScaling;
  readonly slices: readonly SliceAgreement[];
  readonly readoutNodes: readonly number[];
  readonly passed: boolean;
  /** The worst slice by relative error. */
  readonly worst: SliceAgreement;
  readonly rtol: number;
  readonly atol: number;
  readonly kirchhoffMs: number;
  /** Ranges and settling of the ngspice trajectory and of Kirchhoff's (model units). */
  readonly spiceReport: VoltageReport;
  readonly kirchhoffReport: VoltageReport;
}

/** Kirchhoff's trajectory of one sample at `points` evenly spaced times per slice (slice ends included). */
export function sampleTrajectory(model: Model, input: ArrayLike<number>, setup: SolverSetup, points: number): { trajectory: Trajectory; final: Float64Array; ms: number } {
  const spans = sliceBoundaries(model);
  const times: number[] = [0];
  spans.forEach(({ t0, t1 }) => {
    for (let i = 1; i <= points; i++) times.push(i === points ? t1 : t0 + ((t1 - t0) * i) / points);
  });
  const started = performance.now();
  const result = simulateModel({ model, input: Float64Array.from(input), batch: 1, setup, saveAt: times });
  return { trajectory: { times, states: result.states }, final: result.final, ms: performance.now() - started };
}

export async function cosimulate(request: CosimRequest): Promise<CosimResult> {
  const { model } = request;
  const N = model.numNodes;
  if (request.input.length !== N) throw new KirchhoffError('input-size', `${request.input.length} initial voltages for ${N} nodes`);
  const scaling = resolveScaling(request.scaling);
  const rtol = request.rtol ?? 1e-4;
  const atol = request.atol ?? 1e-6;
  const transient = { ...DEFAULT_SPICE_TRANSIENT, ...request.transient };
  const points = Math.max(1, Math.round(transient.points));
  const readoutNodes = request.readoutNodes ?? Array.from({ length: N }, (_, i) => i + 1);
  const spans = sliceBoundaries(model);

  const spiceTimes: number[] = [0];
  const spiceStates: Float64Array[] = [Float64Array.from(request.input)];
  const slices: SliceAgreement[] = [];
  const ends: Float64Array[] = [];
  const runs: { ngspiceMs: number; ngspiceStats: Readonly<Record<string, number>>; netlistBytes: number }[] = [];
  let start = Float64Array.from(request.input);
  for (let k = 0; k < model.slices.length; k++) {
    const { circuit, duration } = model.slices[k];
    const { t0, t1 } = spans[k];
    const netlist = writeSpiceNetlist({
      circuit,
      duration,
      initial: start,
      ...(request.functions && { functions: request.functions }),
      scaling: request.scaling ?? {},
      transient,
      readoutNodes,
      title: `${request.title ?? 'Kirchhoff co-simulation'}: slice ${k + 1} of ${model.slices.length}`,
      notes: [`Slice ${k + 1} covers model time [${t0}, ${t1}]; it starts from the voltages the previous slice ended in.`],
      dataFile: 'kirchhoff.out',
    });
    request.onNetlist?.(k, netlist);
    const workDir = request.ngspice?.workDir;
    const run = await runNgspice(netlist, 'kirchhoff.out', { ...request.ngspice, ...(workDir !== undefined && { workDir: join(workDir, `slice-${k + 1}`) }) });
    const voltages = Array.from({ length: N }, (_, n) => nodeVoltage(run, n + 1));
    const rows = run.times.length;
    for (let i = 0; i < rows; i++) {
      spiceTimes.push(t0 + run.times[i] / scaling.timeConstant);
      spiceStates.push(Float64Array.from(voltages, (v) => v[i] / scaling.voltage));
    }
    const end = spiceStates[spiceStates.length - 1];
    runs.push({ ngspiceMs: run.wallMs, ngspiceStats: run.stats, netlistBytes: Buffer.byteLength(netlist) });
    const lastTime = run.times[rows - 1] / scaling.timeConstant;
    if (Math.abs(lastTime - duration) > 1e-9 * duration) throw new KirchhoffError('ngspice-failed', `ngspice's last output is at ${lastTime} of ${duration} model time units`);
    ends.push(Float64Array.from(end));
    start = Float64Array.from(end);
  }
  // Kirchhoff's side after ngspice's, so that a circuit that runs away gets ngspice's account of it.
  const kirchhoff = sampleTrajectory(model, request.input, request.setup, points);
  for (let k = 0; k < model.slices.length; k++) {
    const { circuit } = model.slices[k];
    const { t0, t1 } = spans[k];
    const end = ends[k];
    // Slice ends in Kirchhoff's trajectory: index points·(k + 1).
    const reference = Float64Array.from(kirchhoff.trajectory.states[points * (k + 1)]);
    let maxAbsError = 0;
    let maxRelError = 0;
    let worstNode = 1;
    for (let n = 0; n < N; n++) {
      const error = Math.abs(end[n] - reference[n]);
      const relative = error / Math.max(Math.abs(reference[n]), atol / rtol);
      maxAbsError = Math.max(maxAbsError, error);
      if (relative > maxRelError) {
        maxRelError = relative;
        worstNode = n + 1;
      }
    }
    slices.push({
      slice: k,
      t0,
      t1,
      kirchhoff: reference,
      spice: Float64Array.from(end),
      maxAbsError,
      maxRelError,
      worstNode,
      passed: maxRelError <= rtol,
      ...runs[k],
      branches: circuit.groups.reduce((s, g) => s + g.size, 0),
    });
  }
  const reportOptions = { slices: spans, readoutNodes, ...(request.settlingTolerance !== undefined && { tolerance: request.settlingTolerance }) };
  const worst = slices.reduce((w, s) => (s.maxRelError > w.maxRelError ? s : w), slices[0]);
  return {
    scaling,
    slices,
    readoutNodes,
    passed: slices.every((s) => s.passed),
    worst,
    rtol,
    atol,
    kirchhoffMs: kirchhoff.ms,
    spiceReport: voltageReport({ times: spiceTimes, states: spiceStates }, reportOptions),
    kirchhoffReport: voltageReport(kirchhoff.trajectory, reportOptions),
  };
}
