import 'reflect-metadata';
import { EtCircuit, EtEuler, ET_PARAM_NAMES, eulerGrid, initEtParams, parityEulerLossAndGradient, parityLossAndGradient, paritySplit, zerosLikeEt } from '@kirchhoff/core';
import { describe, expect, it } from 'vitest';
import { setupOf } from './support/denseam';

describe('parity ET: the specialised Euler path', () => {
  const split = paritySplit(0);

  it('takes the constant controller’s grid: ceil(T/dt) equal steps ending on T', () => {
    expect(eulerGrid(1, 1e-2).length).toBe(101);
    expect(eulerGrid(1, 0.3).length).toBe(5);
    expect(eulerGrid(1, 0.3)[4]).toBe(1);
  });

  // Random parameters (seed 5), penalty on, a dt that does not divide T (84 steps of 1/84, stable: h < 2τ_h): the fused loops must agree with
  // KclDynamics + Euler + the discrete adjoint on the loss, every gradient entry and the accuracy.
  it.each([
    [0, 0.3],
    [1, 0.0],
  ])('gives the generic path’s loss and gradient to 1e-12 (seed %i, λ %f)', (seed, lambda) => {
    const params = initEtParams(5 + seed);
    params.b.forEach((_, i) => (params.b[i] = 0.3 * Math.sin(3 * i + seed)));
    params.a.forEach((_, i) => (params.a[i] = 0.2 * Math.cos(i + seed)));
    const tokens = split.train.slice(0, 24);
    const labels = split.trainLabels.slice(0, 24);
    const dt = 0.012;
    const generic = zerosLikeEt();
    const fast = zerosLikeEt();
    const r0 = parityLossAndGradient(new EtCircuit(tokens), params, labels, lambda, setupOf({ name: 'euler', dt0: dt }), generic);
    const euler = new EtEuler(tokens);
    const r1 = parityEulerLossAndGradient(euler, params, labels, lambda, dt, fast);
    // Twice on one instance: its buffers and gradient blocks must be reset between calls.
    const again = zerosLikeEt();
    parityEulerLossAndGradient(euler, params, labels, lambda, dt, again);
    expect(Math.abs(r1.loss - r0.loss)).toBeLessThan(1e-12);
    expect(Math.abs(r1.penalty - r0.penalty)).toBeLessThan(1e-12);
    expect(r1.accuracy).toBe(r0.accuracy);
    for (const name of ET_PARAM_NAMES) {
      const scale = Math.max(1, ...Array.from(generic[name], Math.abs));
      generic[name].forEach((g, i) => {
        expect(Math.abs(fast[name][i] - g), `${name}[${i}]`).toBeLessThan(1e-12 * scale);
        expect(again[name][i], `${name}[${i}] (second call)`).toBe(fast[name][i]);
      });
    }
    expect(generic.hopf.some((g) => Math.abs(g) > 1e-6) && generic.tok.some((g) => Math.abs(g) > 1e-6)).toBe(true);
    const plain = parityEulerLossAndGradient(euler, params, labels, lambda, dt, null);
    expect(plain.loss).toBe(r1.loss);
  });
});
