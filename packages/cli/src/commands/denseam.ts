import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ET_REFERENCE_INIT, ET_WIDE_INIT, KirchhoffError, parityEulerLogits, parityLogits, parityPredictions as predictions, paritySplit, readParityCheckpoint, trainParity, type SolverConfig, type SolverSetup } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { decodeDenseAmFile, type DenseAmFile } from '../denseam/config';
import { buildTaskModel, runCases, taskCases, type CaseReport } from '../denseam/run';
import { createContainer, resolveSolver, solverRegistries } from '../engine';
import type { CliIo } from '../io';
import { CliError, issueIn } from '../issues';

export interface DenseAmOptions {
  readonly json?: boolean;
  readonly runDir?: string;
  /** Parity: skip training, evaluate the run directory's checkpoint. */
  readonly evalOnly?: boolean;
  readonly epochs?: number;
}

function setupFor(file: DenseAmFile, config: SolverConfig, where: string): SolverSetup {
  const registries = solverRegistries(createContainer());
  if (E.isLeft(registries)) throw new CliError(registries.left);
  const setup = resolveSolver(config, registries.right, `${file.path}: ${where}`);
  if (E.isLeft(setup)) throw new CliError(setup.left);
  return setup.right;
}

/**
 * `kirchhoff denseam <file>`: XOR and Hamming relax every case and report accuracy, the energy's largest
 * step increase and settling times; parity trains the Energy Transformer (resumable) and reports
 * validation accuracy, wall time and the step-size convergence check.
 */
export async function denseamCommand(path: string, options: DenseAmOptions, io: CliIo): Promise<unknown> {
  const decoded = await decodeDenseAmFile(path, io.cwd);
  if (E.isLeft(decoded)) throw new CliError(decoded.left);
  const file = decoded.right;
  try {
    return file.task === 'parity' ? runParityTask(file, options, io) : runAssociative(file, options, io);
  } catch (err) {
    if (err instanceof KirchhoffError) throw new CliError([issueIn(path, err.code, err.message)]);
    throw err;
  }
}

function runAssociative(file: DenseAmFile, options: DenseAmOptions, io: CliIo): CaseReport[] {
  const model = buildTaskModel(file);
  if (E.isLeft(model)) throw new CliError(model.left);
  const setup = setupFor(file, file.solver ?? { name: 'euler', dt0: 1e-3 }, 'solver');
  const reports = runCases(model.right, taskCases(file), setup, file.duration ?? 10, file.settlingTolerance ?? 0.01);
  if (options.json) {
    io.out(JSON.stringify({ task: file.task, energyUnavailable: model.right.energyUnavailable ?? null, reports }, null, 2) + '\n');
    return reports;
  }
  const lines = [`${file.task}: ${model.right.circuit.numNodes} nodes (${model.right.visibleNodes.length} visible), solver ${setup.solver.name}`];
  if (model.right.energyUnavailable) lines.push(`  energy: not defined (${model.right.energyUnavailable})`);
  for (const r of reports) {
    const energy = r.maxEnergyIncrease === null ? 'n/a' : r.maxEnergyIncrease.toExponential(2);
    lines.push(
      `  ${r.name}: ${r.correct}/${r.samples} decoded to the expected word; largest energy step increase ${energy}; settling (|v − v(T)| ≤ ${file.settlingTolerance ?? 0.01}) median ${r.medianSettling.toFixed(2)} τ_v, max ${Math.max(...r.settling).toFixed(2)} τ_v; ${r.steps} steps, ${r.nfe} evaluations`,
    );
    if (file.task === 'xor') r.readout.forEach((row, b) => lines.push(`    case ${b}: y = ${row[0].toFixed(4)}, E ${r.energyStart?.[b].toFixed(4)} → ${r.energyEnd?.[b].toFixed(4)}`));
  }
  io.out(lines.join('\n') + '\n');
  return reports;
}

export interface ParityReport {
  readonly epochs: number;
  readonly wallSeconds: number;
  /** Training CPU time: the wall time less any time the process was stopped or starved. */
  readonly cpuSeconds: number;
  readonly trainAccuracy: number;
  readonly validationAccuracy: number;
  readonly bestValidation: { epoch: number; validationAccuracy: number };
  /** Validation accuracy with Tsit5 at the training step, and whether dt/10 and dt/100 give the same answers. */
  readonly tsit5ValidationAccuracy: number;
  readonly stepConvergence: { readonly dt: number; readonly agreeing: number; readonly samples: number; readonly maxLogitChange: number; readonly validationAccuracy: number }[];
}

function runParityTask(file: DenseAmFile, options: DenseAmOptions, io: CliIo): ParityReport {
  const t = file.training!;
  // --run-dir is relative to the working directory, the file's runDir to the file.
  const runDir = options.runDir ? resolve(io.cwd, options.runDir) : resolve(file.baseDir, file.runDir ?? '../runs/denseam-parity');
  mkdirSync(runDir, { recursive: true });
  const checkpointPath = join(runDir, 'checkpoint.json');
  const logPath = join(runDir, 'log.txt');
  const log = (line: string) => {
    io.out(line + '\n');
    appendFileSync(logPath, line + '\n');
  };
  if (!options.evalOnly) {
    const init = t.init === 'reference' ? ET_REFERENCE_INIT : t.init === 'wide' || t.init === undefined ? ET_WIDE_INIT : t.init;
    trainParity({ ...t, init, epochs: options.epochs ?? t.epochs, checkpointPath, log });
  } else if (!existsSync(checkpointPath)) {
    throw new CliError([issueIn(file.path, 'file-not-found', `no checkpoint at ${checkpointPath}: train first`)]);
  }
  const saved = readParityCheckpoint(checkpointPath);
  const split = paritySplit(0);
  const accuracy = (logits: Float64Array, labels: number[]) => predictions(logits, labels.length).filter((p, b) => p === labels[b]).length / labels.length;
  // Euler runs on the specialised path (equal to the generic one to rounding, test/denseam-et-euler.test.ts).
  const eulerTrain = parityEulerLogits(saved.params, split.train, t.dt);
  const euler = parityEulerLogits(saved.params, split.validation, t.dt);
  const tsit5 = parityLogits(saved.params, split.validation, setupFor(file, { name: 'tsit5', dt0: t.dt, controller: 'constant' }, 'training.dt'));
  const base = predictions(euler, split.validation.length);
  // Euler keeps fixed points exactly, so a model that has settled by T answers the same at any stable step.
  const stepConvergence = [10, 100].map((k) => {
    const fine = parityEulerLogits(saved.params, split.validation, t.dt / k);
    const agreeing = predictions(fine, split.validation.length).filter((p, b) => p === base[b]).length;
    let maxLogitChange = 0;
    fine.forEach((x, i) => (maxLogitChange = Math.max(maxLogitChange, Math.abs(x - euler[i]))));
    return { dt: t.dt / k, agreeing, samples: split.validation.length, maxLogitChange, validationAccuracy: accuracy(fine, split.validationLabels) };
  });
  const report: ParityReport = {
    epochs: saved.epoch,
    wallSeconds: saved.elapsedSeconds,
    cpuSeconds: saved.cpuSeconds,
    trainAccuracy: accuracy(eulerTrain, split.trainLabels),
    validationAccuracy: accuracy(euler, split.validationLabels),
    bestValidation: saved.best,
    tsit5ValidationAccuracy: accuracy(tsit5, split.validationLabels),
    stepConvergence,
  };
  writeFileSync(join(runDir, 'summary.json'), JSON.stringify(report, null, 2) + '\n');
  if (options.json) io.out(JSON.stringify(report, null, 2) + '\n');
  else {
    io.out(
      [
        `parity ET after ${report.epochs} epochs (${(report.wallSeconds / 60).toFixed(1)} min of training, ${(report.cpuSeconds / 60).toFixed(1)} min of CPU): train accuracy ${report.trainAccuracy.toFixed(3)}, validation ${report.validationAccuracy.toFixed(3)} (Euler dt ${t.dt}), ${report.tsit5ValidationAccuracy.toFixed(3)} (Tsit5, constant step)`,
        ...stepConvergence.map((s) => `  dt ${s.dt}: ${s.agreeing}/${s.samples} validation answers unchanged (validation accuracy ${s.validationAccuracy.toFixed(3)}), largest logit change ${s.maxLogitChange.toExponential(2)}`),
      ].join('\n') + '\n',
    );
  }
  return report;
}
