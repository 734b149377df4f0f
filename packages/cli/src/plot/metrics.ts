import type { EpochMetrics, EvaluationMetrics } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import type { FileIssue } from '../issues';

/** What a run's metrics.jsonl holds for plotting: one record per epoch, and the mid-epoch evaluations. */
export interface RunMetrics {
  readonly epochs: readonly EpochMetrics[];
  readonly evaluations: readonly EvaluationMetrics[];
}

const lineIssue = (file: string, line: number, code: string, message: string): FileIssue => ({ code, message, where: `${file}:${line}`, file, line, path: '' });

const EPOCH_FIELDS = ['epoch', 'iteration', 'trainLoss', 'testLoss', 'seconds'] as const;
const EVAL_FIELDS = ['epoch', 'iteration', 'testLoss', 'seconds'] as const;

/**
 * Parses metrics.jsonl as the trainer writes it (core's EpochMetrics and EvaluationMetrics, one JSON object
 * per line). Other record types (rollbacks) are skipped; a line that is not JSON, or an epoch or eval record
 * without its numbers, is an issue at its line. Accuracies may be null (NaN in JSON) for regression runs.
 */
export function parseMetrics(text: string, file: string): E.Either<FileIssue[], RunMetrics> {
  const epochs: EpochMetrics[] = [];
  const evaluations: EvaluationMetrics[] = [];
  const issues: FileIssue[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch (err) {
      issues.push(lineIssue(file, line, 'invalid-metrics', `not a JSON record: ${(err as Error).message}`));
      return;
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      issues.push(lineIssue(file, line, 'invalid-metrics', 'expected a JSON object per line'));
      return;
    }
    const r = record as Record<string, unknown>;
    const fields = r.type === 'epoch' ? EPOCH_FIELDS : r.type === 'eval' ? EVAL_FIELDS : undefined;
    if (!fields) return;
    const missing = fields.filter((k) => typeof r[k] !== 'number');
    if (missing.length) {
      issues.push(lineIssue(file, line, 'invalid-metrics', `${r.type} record without a number for ${missing.join(', ')}`));
      return;
    }
    if (r.type === 'epoch') epochs.push(r as unknown as EpochMetrics);
    else evaluations.push(r as unknown as EvaluationMetrics);
  });
  return issues.length ? E.left(issues) : E.right({ epochs, evaluations });
}
