import 'reflect-metadata';
import { EtCircuit, ET_PARAM_NAMES, ET_REFERENCE_INIT, initEtParams, trainParity, parityLogits, parityLossAndGradient, parityPredictions as predictions, paritySplit, zerosLikeEt } from '@kirchhoff/core';
import { describe, expect, it } from 'vitest';
import { setupOf } from './support/denseam';

describe('parity Energy Transformer', () => {
  const split = paritySplit(0);

  it('splits the 256 strings 204/52 with seed 0, disjoint', () => {
    expect(split.train.length).toBe(204);
    expect(split.validation.length).toBe(52);
    const key = (bits: number[]) => bits.join('');
    const train = new Set(split.train.map(key));
    expect(split.validation.some((v) => train.has(key(v)))).toBe(false);
  });

  it('the loss gradient through the unrolled Euler solver (with the force penalty) matches finite differences', () => {
    const params = initEtParams(3);
    const circuit = new EtCircuit(split.train.slice(0, 6));
    const labels = split.trainLabels.slice(0, 6);
    const setup = setupOf({ name: 'euler', dt0: 0.02 });
    const grads = zerosLikeEt();
    parityLossAndGradient(circuit, params, labels, 0.3, setup, grads);
    const eps = 1e-6;
    for (const name of ET_PARAM_NAMES) {
      const x = params[name];
      for (const i of [0, x.length - 1]) {
        const keep = x[i];
        x[i] = keep + eps;
        const up = parityLossAndGradient(circuit, params, labels, 0.3, setup, null).loss;
        x[i] = keep - eps;
        const down = parityLossAndGradient(circuit, params, labels, 0.3, setup, null).loss;
        x[i] = keep;
        const fd = (up - down) / (2 * eps);
        expect(Math.abs(grads[name][i] - fd), `${name}[${i}]`).toBeLessThan(1e-6 + 1e-4 * Math.abs(fd));
      }
    }
  });

  it('step-size convergence: a model that has settled by T answers the same with 10× and 100× smaller Euler steps', () => {
    const params = initEtParams(0);
    const dt = 1e-2;
    const coarse = parityLogits(params, split.validation, setupOf({ name: 'euler', dt0: dt }));
    for (const k of [10, 100]) {
      const fine = parityLogits(params, split.validation, setupOf({ name: 'euler', dt0: dt / k }));
      expect(predictions(fine, 52)).toEqual(predictions(coarse, 52));
      fine.forEach((x, i) => expect(Math.abs(x - coarse[i])).toBeLessThan(1e-3));
    }
  });

  it('the reference init has no position embeddings, and training keeps them at 0 (raw² has zero gradient at 0)', () => {
    const start = initEtParams(0, ET_REFERENCE_INIT);
    expect(start.pos.every((x) => x === 0)).toBe(true);
    const run = trainParity({ dt: 0.02, epochs: 3, peakLr: 1e-2, warmupEpochs: 1, clip: 1, weightDecay: 5e-5, penaltyStart: 1, penaltyMax: 0.1, seed: 0, init: ET_REFERENCE_INIT, evaluateEvery: 3 });
    expect(run.params.pos.every((x) => x === 0)).toBe(true);
    expect(run.params.tok.some((x, i) => Math.abs(x - start.tok[i]) > 1e-3)).toBe(true);
  });
});
