import * as E from 'fp-ts/Either';
import { performance } from 'node:perf_hooks';
import { simulateModel, type SolverConfig } from '@kirchhoff/core';
import { mnist } from '@kirchhoff/datasets';
import { builtinContainer, catalogOf, setupOf } from '../../test/support/kirchhoff-context';
import { loadPretrainedMnist } from '../../test/support/mnist-model';

/**
 * The released KirchhoffNet MNIST checkpoint on the real MNIST test set (10,000 images): top-1 accuracy
 * with the original's solver settings (dopri5 tol 1e-3, first step 1e-2, min step 1e-5, one step size per
 * batch, batch 100 as the original), and with per-sample error control, whose result does not depend on
 * which images share a batch. Environment: KH_EVAL_N (images, default 10000), KH_EVAL_MODES (batch,per-sample).
 * Reference: 99.42% (the checkpoint's reported top-1).
 */
export async function run(): Promise<void> {
  const count = Number(process.env.KH_EVAL_N ?? 10_000);
  const modes = (process.env.KH_EVAL_MODES ?? 'batch,per-sample').split(',');
  const container = builtinContainer();
  const model = loadPretrainedMnist(catalogOf(container));
  const loaded = await mnist.load({ split: 'test', n: count, seed: 0 })();
  if (E.isLeft(loaded)) throw new Error(loaded.left.map((i) => i.message).join('\n'));
  const data = loaded.right;
  const B = 100;
  for (const mode of modes) {
    const config: SolverConfig = { name: 'dopri5', rtol: 1e-3, atol: 1e-3, dt0: 1e-2, dtMin: 1e-5, errorControl: mode === 'per-sample' ? 'per-sample' : 'batch' };
    const setup = setupOf(container, config);
    let correct = 0;
    let nfe = 0;
    const started = performance.now();
    for (let start = 0; start < count; start += B) {
      const size = Math.min(B, count - start);
      const input = new Float64Array(834 * size);
      for (let b = 0; b < size; b++) for (let p = 0; p < 784; p++) input[p * size + b] = data.inputs[(start + b) * 784 + p];
      const result = simulateModel({ model, input, batch: size, setup });
      nfe += result.perSlice.reduce((s, x) => s + x.nfe, 0);
      for (let b = 0; b < size; b++) {
        let best = 0;
        for (let k = 1; k < 10; k++) if (result.final[(824 + k) * size + b] > result.final[(824 + best) * size + b]) best = k;
        if (best === data.targets[start + b]) correct++;
      }
      if ((start / B) % 10 === 9) console.error(`  ${mode}: ${start + size}/${count} images, ${(100 * correct / (start + size)).toFixed(2)}% so far, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`${mode === 'per-sample' ? 'per-sample error control' : 'batch of 100, shared step (original)'}: top-1 ${(100 * correct / count).toFixed(2)}% on ${count} test images (reference 99.42%), ${nfe} RHS evaluations, ${seconds.toFixed(0)} s`);
  }
}
