import * as E from 'fp-ts/Either';
import { KirchhoffError, type Issue } from '../../errors';
import type { Named } from '../../registry';
import { resolveOptions, type OptionValues, type TrainingOptionSchema } from '../optimizers/options';

/**
 * The learning rate for an epoch: `epoch` counts completed scheduler steps from 0 (PyTorch's
 * `last_epoch` after `scheduler.step()`), so `lr(0)` is the rate of the first epoch. Fractional epochs
 * are allowed (for per-iteration schedules); negative or non-finite ones throw `invalid-epoch`.
 */
export type LrFunction = (epoch: number) => number;

export interface LrScheduleMeta {
  readonly description: string;
  readonly options: TrainingOptionSchema;
  /** The PyTorch scheduler whose closed form this is. */
  readonly reference: string;
}

/** A learning-rate schedule plugin: `create` checks the options and binds the base rate. */
export interface LrSchedule extends Named {
  readonly meta: LrScheduleMeta;
  /** `where` prefixes each issue's location (default `options`). */
  create(options: Readonly<Record<string, unknown>> | undefined, baseLr: number, where?: string): E.Either<Issue[], LrFunction>;
}

export interface LrScheduleDefinition<S extends TrainingOptionSchema> {
  readonly name: string;
  readonly meta: LrScheduleMeta & { readonly options: S };
  /** Problems that involve several options or the base rate; single options are checked by their spec. */
  readonly check?: (options: OptionValues<S>, baseLr: number, where: string) => Issue[];
  /** The closed form, for epochs already checked. */
  readonly lr: (options: OptionValues<S>, baseLr: number) => LrFunction;
}

/** Builds a schedule plugin from its closed form, adding option, base-rate and epoch checks. */
export function defineLrSchedule<S extends TrainingOptionSchema>(definition: LrScheduleDefinition<S>): LrSchedule {
  return {
    name: definition.name,
    meta: definition.meta,
    create(given, baseLr, where = 'options') {
      const issues: Issue[] = [];
      if (typeof baseLr !== 'number' || !Number.isFinite(baseLr) || baseLr < 0) {
        issues.push({
          code: 'invalid-base-lr',
          message: `base learning rate must be finite and ≥ 0, got ${String(baseLr)}`,
          where: 'baseLr',
        });
      }
      const resolved = resolveOptions(definition.meta.options, given, where);
      if (E.isLeft(resolved)) return E.left([...issues, ...resolved.left]);
      issues.push(...(definition.check?.(resolved.right, baseLr, where) ?? []));
      if (issues.length > 0) return E.left(issues);
      const lr = definition.lr(resolved.right, baseLr);
      const name = definition.name;
      return E.right((epoch: number) => {
        if (typeof epoch !== 'number' || !Number.isFinite(epoch) || epoch < 0) {
          const message = `${name} schedule: epoch must be finite and ≥ 0, got ${String(epoch)}`;
          throw new KirchhoffError('invalid-epoch', message, { epoch });
        }
        return lr(epoch);
      });
    },
  };
}
