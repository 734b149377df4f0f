import { KirchhoffError } from '../../errors';
import type { Named } from '../../registry';

export interface LossMeta {
  readonly description: string;
  /**
   * `class-index`: `targets` holds one class index per sample (length batch);
   * `value`: one target per output, laid out like the outputs (length batch·width).
   */
  readonly targets: 'class-index' | 'value';
  readonly reference: string;
}

/**
 * A loss on the readout voltages. `outputs` is sample-major, entry [b·width + k] being readout k of
 * sample b. `evaluate` returns the batch loss and, when `gradOut` is given, overwrites it with
 * dLoss/dOutputs in the same layout; `gradOut` may be `outputs` itself. Bad shapes throw
 * `loss-shape-mismatch`, bad labels `invalid-label`; nothing is allocated.
 */
export interface Loss extends Named {
  readonly meta: LossMeta;
  evaluate(outputs: Float64Array, batch: number, width: number, targets: Float64Array, gradOut: Float64Array | null): number;
}

/** Throws unless the arrays fit a batch × width readout with `targetLength` targets. */
export function checkLossShapes(
  loss: string,
  outputs: Float64Array,
  batch: number,
  width: number,
  targets: Float64Array,
  targetLength: number,
  gradOut: Float64Array | null,
): void {
  if (!Number.isInteger(batch) || batch < 1) fail(loss, batch, width, `batch must be a whole number ≥ 1, got ${batch}`);
  if (!Number.isInteger(width) || width < 1) fail(loss, batch, width, `width must be a whole number ≥ 1, got ${width}`);
  if (outputs.length !== batch * width) {
    fail(loss, batch, width, `outputs has ${outputs.length} entries, expected batch·width = ${batch * width}`);
  }
  if (targets.length !== targetLength) fail(loss, batch, width, `targets has ${targets.length} entries, expected ${targetLength}`);
  if (gradOut !== null && gradOut.length !== batch * width) {
    fail(loss, batch, width, `gradOut has ${gradOut.length} entries, expected batch·width = ${batch * width}`);
  }
}

/** The class index of sample `b`, or throws `invalid-label`. */
export function labelAt(loss: string, labels: Float64Array, b: number, width: number): number {
  const label = labels[b];
  if (!Number.isInteger(label) || label < 0 || label >= width) {
    throw new KirchhoffError('invalid-label', `${loss}: label of sample ${b} is ${label}; expected a whole number in [0, ${width})`, {
      sample: b,
      label,
    });
  }
  return label;
}

function fail(loss: string, batch: number, width: number, message: string): never {
  throw new KirchhoffError('loss-shape-mismatch', `${loss}: ${message}`, { batch, width });
}
