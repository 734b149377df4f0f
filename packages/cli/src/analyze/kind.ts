import {
  evaluate,
  restoreNetwork,
  type Dataset,
  type Loss,
  type Network,
  type NetworkSnapshot,
  type NoiseDistribution,
  type SolverSetup,
} from '@kirchhoff/core';
import type * as E from 'fp-ts/Either';
import type { FileIssue } from '../issues';

/*
 * One non-ideality analysis is a plain object, like a plot or a lint rule: what it sweeps (the setting's
 * option, CSV column and axis), whether random draws make seeds matter, and `prepare`, which checks the
 * settings against the network and returns the function that measures one (setting, seed). The shared
 * runner (runner.ts) does everything else: loading, progress, CSVs, the plot.
 */

export const ANALYSIS_NAMES = ['mismatch', 'quantize', 'capacitance', 'parasitic', 'readout-time', 'readout-noise'] as const;
export type AnalysisName = (typeof ANALYSIS_NAMES)[number];

/** The options an analysis reads, checked and with defaults filled in. */
export interface AnalysisSettings {
  /** The swept values: σ, bits, δ or a capacitance, in the order given. */
  readonly values: readonly number[];
  /** Seeds 0 .. seeds − 1 (1 for analyses without random draws). */
  readonly seeds: number;
  readonly distribution: NoiseDistribution;
  /** One parameter row (by name) instead of every used row. */
  readonly param?: string;
}

/** The network as loaded, a pristine copy of what analyses perturb, and how `kirchhoff eval` would evaluate it. */
export interface AnalysisContext {
  readonly network: Network;
  readonly snapshot: NetworkSnapshot;
  readonly data: Dataset;
  readonly loss: Loss;
  readonly setup: SolverSetup;
  readonly batchSize: number;
}

export interface Measurement {
  readonly accuracy: number;
  readonly loss: number;
  /** Right-hand-side evaluations of the forward solves this measurement ran (0 when it ran none). */
  readonly nfe: number;
  /** Values of the analysis's own CSV columns (`extraColumns`). */
  readonly extra?: Readonly<Record<string, number>>;
}

export interface PreparedAnalysis {
  /** The unperturbed network: the accuracy and loss `kirchhoff eval` prints for the same samples and batch size. */
  baseline(): Measurement;
  /** One setting and seed; leaves the network as it was captured. */
  measure(value: number, seed: number): Measurement;
}

export interface SettingAxis {
  /** The command-line option that lists the values, e.g. `--sigma`. */
  readonly option: string;
  /** The CSV column, e.g. `sigma`. */
  readonly column: string;
  /** How progress lines name a value, e.g. `σ`. */
  readonly symbol: string;
  readonly axisTitle: string;
  readonly defaults: readonly number[];
  /** Whole-number settings (bits) get whole-number ticks. */
  readonly integer?: boolean;
  /** What is wrong with one value on its own (before the network is known), or undefined. */
  check(value: number): string | undefined;
}

export interface AnalysisKind {
  readonly name: AnalysisName;
  /** One line for `--help`. */
  readonly description: string;
  /** The chart's title. */
  readonly title: string;
  readonly setting: SettingAxis;
  /** Random draws: one row per (setting, seed). Otherwise one row per setting and no seed column. */
  readonly seeded: boolean;
  /** Which of the shared noise options apply. */
  readonly uses: readonly ('distribution' | 'param')[];
  /** The value that leaves the network unchanged (σ = 0, δ = 0): measured once, as the unperturbed network. */
  readonly identity?: number;
  /** Columns of `Measurement.extra`, in CSV order. */
  readonly extraColumns?: readonly string[];
  /** The curve's name (the CSV's `series`: no commas). */
  series(settings: AnalysisSettings): string;
  /** What the sweep does to the network, for the CSV header and the plot's subtitle. */
  describe(settings: AnalysisSettings): string;
  /** Checks the settings against the network (issues at their option) and returns the measuring functions. */
  prepare(context: AnalysisContext, settings: AnalysisSettings): E.Either<FileIssue[], PreparedAnalysis>;
}

/** Core's `evaluate`, the very function `kirchhoff eval` calls, on `network` (default: the context's). */
export function evaluateNetwork(context: AnalysisContext, network: Network = context.network): Measurement {
  const result = evaluate(network, context.data, context.loss, context.setup, context.batchSize);
  return { accuracy: result.accuracy, loss: result.loss, nfe: result.nfe };
}

/**
 * Applies a perturbation to the live network, evaluates it, and restores the pristine network whatever
 * happens (a failed solve must not leave the next setting a perturbed network). `perturb` may return
 * values for the analysis's own columns.
 */
export function measurePerturbed(context: AnalysisContext, perturb: () => Readonly<Record<string, number>> | void): Measurement {
  try {
    const extra = perturb();
    const measured = evaluateNetwork(context);
    return extra ? { ...measured, extra } : measured;
  } finally {
    restoreNetwork(context.network, context.snapshot);
  }
}

/** An issue about a command-line option's value. */
export const optionIssue = (option: string, code: string, message: string): FileIssue => ({ code, message, where: option, file: option, path: '' });
