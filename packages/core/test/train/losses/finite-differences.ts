import { expect } from 'vitest';
import type { Loss } from '../../../src/train/losses/loss';

/** Compares `gradOut` with central differences of the loss, entry by entry. */
export function expectGradientMatchesDifferences(
  loss: Loss,
  outputs: Float64Array,
  batch: number,
  width: number,
  targets: Float64Array,
  tolerance: number,
): void {
  const grad = new Float64Array(outputs.length);
  loss.evaluate(outputs, batch, width, targets, grad);
  const h = 1e-6;
  for (let i = 0; i < outputs.length; i++) {
    const x = outputs[i];
    outputs[i] = x + h;
    const up = loss.evaluate(outputs, batch, width, targets, null);
    outputs[i] = x - h;
    const down = loss.evaluate(outputs, batch, width, targets, null);
    outputs[i] = x;
    expect(Math.abs(grad[i] - (up - down) / (2 * h)), `entry ${i}`).toBeLessThan(tolerance);
  }
}
