import { KirchhoffError, type Issue } from '../../errors';
import type { OptimizerInstance, OptimizerState } from './optimizer';
import { decodeInto, encodeFloat64Array, optimizerStateIssues } from './state';

/** Every problem with a list of parameter-tensor sizes handed to `create`. */
export function paramSizeIssues(paramSizes: readonly number[], where: string): Issue[] {
  if (!Array.isArray(paramSizes)) return [{ code: 'invalid-param-sizes', message: 'expected an array of tensor sizes', where }];
  const issues: Issue[] = [];
  paramSizes.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 0) {
      issues.push({ code: 'invalid-param-sizes', message: `tensor ${i} has size ${String(n)}; expected a whole number ≥ 0`, where });
    }
  });
  return issues;
}

/**
 * What every built-in optimizer shares: per-entry Float64Array buffers allocated once, a step counter,
 * argument checks on each step, and state()/load() over the buffers. Subclasses write only `update`.
 */
export abstract class BufferedOptimizer implements OptimizerInstance {
  protected stepCount = 0;
  protected readonly buffers: Readonly<Record<string, Float64Array[]>>;
  readonly paramSizes: readonly number[];

  constructor(
    readonly optimizer: string,
    readonly lr: number,
    paramSizes: readonly number[],
    private readonly bufferNames: readonly string[],
  ) {
    this.paramSizes = [...paramSizes];
    const buffers: Record<string, Float64Array[]> = {};
    for (const name of bufferNames) buffers[name] = this.paramSizes.map((n) => new Float64Array(n));
    this.buffers = buffers;
  }

  get steps(): number {
    return this.stepCount;
  }

  step(params: readonly Float64Array[], grads: readonly Float64Array[], lr: number, masks?: readonly (Uint8Array | null)[]): void {
    this.checkStep(params, grads, lr, masks);
    this.stepCount += 1;
    this.update(params, grads, lr, masks);
  }

  /** One update; `stepCount` already counts it. Must not allocate. */
  protected abstract update(
    params: readonly Float64Array[],
    grads: readonly Float64Array[],
    lr: number,
    masks: readonly (Uint8Array | null)[] | undefined,
  ): void;

  state(): OptimizerState {
    const buffers: Record<string, ReturnType<typeof encodeFloat64Array>[]> = {};
    for (const name of this.bufferNames) buffers[name] = this.buffers[name].map(encodeFloat64Array);
    return { optimizer: this.optimizer, version: 1, steps: this.stepCount, paramSizes: [...this.paramSizes], buffers };
  }

  load(state: OptimizerState): void {
    const issues = optimizerStateIssues(state, this.optimizer, this.paramSizes, this.bufferNames);
    if (issues.length > 0) {
      throw new KirchhoffError(
        'invalid-optimizer-state',
        `cannot load optimizer state into '${this.optimizer}':\n` +
          issues.map((i) => (i.where ? `  ${i.where}: ${i.message}` : `  ${i.message}`)).join('\n'),
        { issues },
      );
    }
    for (const name of this.bufferNames) {
      state.buffers[name].forEach((encoded, i) => decodeInto(encoded, this.buffers[name][i]));
    }
    this.stepCount = state.steps;
  }

  private checkStep(
    params: readonly Float64Array[],
    grads: readonly Float64Array[],
    lr: number,
    masks: readonly (Uint8Array | null)[] | undefined,
  ): void {
    if (!Number.isFinite(lr) || lr < 0) {
      const message = `${this.optimizer}: learning rate must be finite and ≥ 0, got ${lr}`;
      throw new KirchhoffError('invalid-learning-rate', message, { lr });
    }
    const n = this.paramSizes.length;
    if (params.length !== n) this.mismatch(`params: expected ${n} tensors, got ${params.length}`);
    if (grads.length !== n) this.mismatch(`grads: expected ${n} tensors, got ${grads.length}`);
    if (masks && masks.length !== n) this.mismatch(`masks: expected ${n} tensors, got ${masks.length}`);
    for (let i = 0; i < n; i++) {
      const size = this.paramSizes[i];
      if (params[i].length !== size) this.mismatch(`params[${i}] has ${params[i].length} entries, expected ${size}`);
      if (grads[i].length !== size) this.mismatch(`grads[${i}] has ${grads[i].length} entries, expected ${size}`);
      const mask = masks?.[i];
      if (mask && mask.length !== size) this.mismatch(`masks[${i}] has ${mask.length} entries, expected ${size}`);
    }
  }

  private mismatch(message: string): never {
    throw new KirchhoffError('optimizer-shape-mismatch', `${this.optimizer}.step: ${message}`);
  }
}
