import type { Dataset } from '../dataset';
import { drawNoise, type NoiseDistribution } from '../random/perturb';
import { Rng } from '../random/rng';
import { accuracy } from '../train/losses/accuracy';
import type { Loss } from '../train/losses/loss';
import type { KanModel } from './model';

export interface NoiseSweepOptions {
  readonly sigmas: readonly number[];
  readonly distribution: NoiseDistribution;
  /** Repetitions; repetition r draws from Rng(seed + r). */
  readonly repetitions: number;
  readonly seed?: number;
  readonly batchSize: number;
}

export interface NoiseSweepRow {
  readonly sigma: number;
  readonly seed: number;
  readonly accuracy: number;
  readonly loss: number;
}

/**
 * KANalogue's robustness protocol (kanalogue.md §7): only the KAN coefficients are perturbed,
 * c′ = c·(1 + σ·n) with n of unit variance, drawn fresh for every forward call (every test batch);
 * biases and norms stay exact. Each repetition uses the same draws at every σ (common random numbers),
 * so the curve's shape is not blurred by sampling noise between σ values. The parameters are restored.
 */
export function noiseSweep(model: KanModel, data: Dataset, loss: Loss, options: NoiseSweepOptions): NoiseSweepRow[] {
  const blocks = model.layout.map((L) => model.params[L.coefficients]);
  const clean = blocks.map((b) => b.slice());
  const K = model.outputWidth;
  const rows: NoiseSweepRow[] = [];
  try {
    for (let r = 0; r < options.repetitions; r++) {
      const seed = (options.seed ?? 0) + r;
      for (const sigma of options.sigmas) {
        const rng = new Rng(seed);
        let lossSum = 0;
        let correct = 0;
        for (let start = 0; start < data.count; start += options.batchSize) {
          const B = Math.min(options.batchSize, data.count - start);
          blocks.forEach((block, k) => {
            const source = clean[k];
            for (let i = 0; i < block.length; i++) block[i] = source[i] * (1 + sigma * drawNoise(options.distribution, rng));
          });
          const outputs = new Float64Array(B * K);
          model.forwardBatch(data.inputs.subarray(start * data.inputDim, (start + B) * data.inputDim), B, false, outputs);
          const targets = data.targets.subarray(start, start + B);
          lossSum += loss.evaluate(outputs, B, K, targets, null) * B;
          correct += Math.round(accuracy(outputs, B, K, targets) * B);
        }
        rows.push({ sigma, seed, accuracy: correct / data.count, loss: lossSum / data.count });
      }
    }
  } finally {
    blocks.forEach((b, k) => b.set(clean[k]));
  }
  return rows;
}
