import { NOISE_DISTRIBUTIONS, type NoiseDistribution } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import type { FileIssue } from '../issues';
import { optionIssue, type AnalysisKind, type AnalysisSettings } from './kind';

/** The analysis options as given (on the command line or by a program), before they are checked. */
export interface SettingOptions {
  /** The swept values; the command line gives them as the kind's option (`--sigma`, `--bits`, `--delta`, `--capacitance`). */
  readonly values?: readonly number[];
  readonly seeds?: number;
  readonly distribution?: string;
  readonly param?: string;
}

export const DEFAULT_SEEDS = 5;
export const DEFAULT_DISTRIBUTION: NoiseDistribution = 'gaussian';

const isDistribution = (name: string): name is NoiseDistribution => (NOISE_DISTRIBUTIONS as readonly string[]).includes(name);

/**
 * Checks every option an analysis reads and fills in the defaults, collecting every problem (each at its
 * option) instead of stopping at the first. Options of other analyses are refused, since a program that
 * passes `bits` to a mismatch analysis has misunderstood something.
 */
export function resolveSettings(kind: AnalysisKind, options: SettingOptions): E.Either<FileIssue[], AnalysisSettings> {
  const issues: FileIssue[] = [];
  const { option } = kind.setting;
  const values = options.values ?? kind.setting.defaults;
  if (values.length === 0) issues.push(optionIssue(option, 'no-settings', `give at least one value, e.g. ${option} ${kind.setting.defaults.join(',')}`));
  for (const value of values) {
    const problem = kind.setting.check(value);
    if (problem !== undefined) issues.push(optionIssue(option, 'invalid-setting', problem));
  }
  const repeated = values.filter((v, i) => values.indexOf(v) !== i);
  if (repeated.length) issues.push(optionIssue(option, 'repeated-setting', `${[...new Set(repeated)].join(', ')} given more than once`));

  if (options.seeds !== undefined && !kind.seeded) {
    issues.push(optionIssue('--seeds', 'not-seeded', `${kind.name} draws nothing at random: every seed would give the same row`));
  }
  const seeds = options.seeds ?? (kind.seeded ? DEFAULT_SEEDS : 1);
  if (!Number.isInteger(seeds) || seeds < 1) issues.push(optionIssue('--seeds', 'invalid-seeds', `expected a whole number of seeds ≥ 1, got ${seeds}`));

  if (options.distribution !== undefined && !kind.uses.includes('distribution')) {
    issues.push(optionIssue('--distribution', 'unused-option', `${kind.name} draws no noise`));
  }
  const distribution = options.distribution ?? DEFAULT_DISTRIBUTION;
  if (!isDistribution(distribution)) issues.push(optionIssue('--distribution', 'unknown-distribution', `expected one of ${NOISE_DISTRIBUTIONS.join(', ')}, got '${distribution}'`));

  if (options.param !== undefined && !kind.uses.includes('param')) {
    issues.push(optionIssue('--param', 'unused-option', `${kind.name} does not act on parameter rows`));
  }
  if (issues.length) return E.left(issues);
  return E.right({ values, seeds, distribution: distribution as NoiseDistribution, ...(options.param !== undefined && { param: options.param }) });
}
