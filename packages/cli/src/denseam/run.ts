import {
  createDenseAm,
  hammingErrors,
  hammingSpec,
  relaxDenseAm,
  settlingTime,
  xorCases,
  xorSpec,
  XOR_MEMORIES,
  type DenseAmModel,
  type DenseAmSpec,
  type Issue,
  type SolverSetup,
} from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import type { DenseAmFile } from './config';

/** The task's reference model with the file's overrides (β, τ_h, realism switches, explicit weights). */
export function taskSpec(file: DenseAmFile): DenseAmSpec {
  const m = file.model ?? {};
  const base = file.task === 'xor' ? xorSpec(m.beta ?? 4) : hammingSpec(m.beta ?? 2);
  const hidden = base.hidden[0];
  return {
    ...base,
    visible: { ...base.visible, ...(m.clamped && { clamped: m.clamped }) },
    hidden: [
      {
        ...hidden,
        ...(m.tauHidden !== undefined && { tau: m.tauHidden }),
        ...(m.weights && { weights: m.weights, size: m.weights.length }),
        ...(m.weightsBack && { weightsBack: m.weightsBack }),
      },
    ],
    ...(m.readout && { readout: m.readout }),
    ...(m.mode && { mode: m.mode }),
    ...(m.amplifierTau !== undefined && { amplifierTau: m.amplifierTau }),
    ...(m.conductanceNoise && { conductanceNoise: m.conductanceNoise }),
  };
}

export function buildTaskModel(file: DenseAmFile): E.Either<Issue[], DenseAmModel> {
  return createDenseAm(taskSpec(file), file.path);
}

export interface CaseSet {
  readonly name: string;
  readonly visible: Float64Array;
  readonly batch: number;
  /** Expected signs of every visible unit, per sample (only the readout units are compared). */
  readonly expected: number[][];
}

/** XOR: the four rows; Hamming: every 1-bit (112) and/or 2-bit (336) corruption of every codeword. */
export function taskCases(file: DenseAmFile): CaseSet[] {
  if (file.task === 'xor') {
    const { visible, expected } = xorCases();
    return [{ name: 'xor', visible, batch: 4, expected: XOR_MEMORIES.map((row, b) => [row[0], row[1], expected[b]]) }];
  }
  return (file.flips ?? [1, 2]).map((flips) => {
    const words = hammingErrors(flips);
    return { name: `${flips}-bit errors`, visible: words.visible, batch: words.batch, expected: words.sent };
  });
}

export interface CaseReport {
  readonly name: string;
  readonly samples: number;
  /** Samples whose readout signs equal the expected ones (the sent codeword, the XOR output). */
  readonly correct: number;
  readonly readout: number[][];
  /** Largest energy increase over all accepted steps and samples (≤ 0: never increased), or null. */
  readonly maxEnergyIncrease: number | null;
  readonly energyStart: number[] | null;
  readonly energyEnd: number[] | null;
  /** Per-sample settling time in units of τ_v, and its median. */
  readonly settling: number[];
  readonly medianSettling: number;
  readonly steps: number;
  readonly nfe: number;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export function runCases(model: DenseAmModel, cases: readonly CaseSet[], setup: SolverSetup, duration: number, tolerance: number): CaseReport[] {
  return cases.map((c) => {
    const result = relaxDenseAm(model, { setup, visible: c.visible, batch: c.batch, t1: duration * model.tauVisible });
    const R = model.readoutNodes.length;
    const readout = Array.from({ length: c.batch }, (_, b) => Array.from({ length: R }, (_, r) => result.readout[r * c.batch + b]));
    const correct = readout.filter((row, b) => row.every((v, r) => Math.sign(v) === Math.sign(c.expected[b][model.readoutNodes[r] - 1]))).length;
    const settling = Array.from(settlingTime(result.trajectory, c.batch, tolerance, model.tauVisible));
    return {
      name: c.name,
      samples: c.batch,
      correct,
      readout,
      maxEnergyIncrease: result.energy ? Math.max(...result.energy.maxIncrease) : null,
      energyStart: result.energy ? Array.from(result.energy.initial) : null,
      energyEnd: result.energy ? Array.from(result.energy.final) : null,
      settling,
      medianSettling: median(settling),
      steps: result.stats.acceptedSteps,
      nfe: result.stats.nfe,
    };
  });
}
