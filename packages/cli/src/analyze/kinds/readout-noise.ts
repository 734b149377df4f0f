import { computeReadout, drawNoise, Rng, scoreReadout, type Readout } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import type { AnalysisKind } from '../kind';
import { checkSigma } from './sigma';

/**
 * Additive noise on the readout voltages: every output v_k of every sample is read as v_k + σ_v·n, n a
 * fresh unit-variance draw (Gaussian by default), before the argmax and the loss. The noise touches no
 * node, so the network is simulated once and only the readout is redrawn per (σ_v, seed).
 */
export const readoutNoise: AnalysisKind = {
  name: 'readout-noise',
  description: 'additive noise σ_v·n on the readout voltages (Gaussian by default), over σ_v and seeds; one simulation in all',
  title: 'Accuracy under readout noise',
  setting: {
    option: '--sigma',
    column: 'sigma_v',
    symbol: 'σ_v',
    axisTitle: 'σ_v: readout noise (V, model units)',
    defaults: [0, 0.01, 0.03, 0.1, 0.3, 1],
    check: checkSigma,
  },
  seeded: true,
  uses: ['distribution'],
  identity: 0,
  series: (s) => `${s.distribution} readout noise`,
  describe: (s) => `every readout v_k read as v_k + σ_v·n, n ${s.distribution} with unit variance, one draw per sample and output`,
  prepare(context, settings) {
    let readout: Readout | undefined;
    const simulated = (): Readout => (readout ??= computeReadout(context.network, context.data, context.setup, context.batchSize));
    return E.right({
      baseline() {
        const fresh = readout === undefined;
        return { ...scoreReadout(simulated(), context.data, context.loss), nfe: fresh ? simulated().nfe : 0 };
      },
      measure(sigma: number, seed: number) {
        const rng = new Rng(seed);
        const score = scoreReadout(simulated(), context.data, context.loss, (outputs, out) => {
          for (let i = 0; i < outputs.length; i++) out[i] = outputs[i] + sigma * drawNoise(settings.distribution, rng);
        });
        return { ...score, nfe: 0 };
      },
    });
  },
};
