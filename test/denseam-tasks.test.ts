import 'reflect-metadata';
import {
  hammingErrors,
  hammingSpec,
  KclDynamics,
  relaxDenseAm,
  settlingTime,
  solve,
  xorCases,
  xorSpec,
  type SolverConfig,
} from '@kirchhoff/core';
import { describe, expect, it } from 'vitest';
import { modelOf, setupOf } from './support/denseam';

/** Energy may rise by rounding only: |E| ~ 1, so a few ulps of the sum per step. */
const ENERGY_SLACK = 1e-12;

describe('DenseAM tasks (reference §3)', () => {
  it('XOR: all four cases relax to the right ±1 output with the inputs clamped, energy never rising', () => {
    const model = modelOf(xorSpec(4));
    const { visible, expected } = xorCases();
    const result = relaxDenseAm(model, { setup: setupOf({ name: 'euler', dt0: 1e-3 }), visible, batch: 4, t1: 10 });
    expect(Array.from(result.readout, (y) => Math.sign(y))).toEqual(expected);
    result.readout.forEach((y) => expect(Math.abs(Math.abs(y) - 1)).toBeLessThan(1e-3));
    // The clamped inputs did not move.
    for (let i = 0; i < 8; i++) expect(result.final[i]).toBe(visible[i]);
    expect(Math.max(...result.energy!.maxIncrease)).toBeLessThan(ENERGY_SLACK);
    // The reference's reconstruction: E falls from −1.00 to −1.50.
    result.energy!.initial.forEach((e) => expect(e).toBeCloseTo(-1, 2));
    result.energy!.final.forEach((e) => expect(e).toBeCloseTo(-1.5, 2));
    const settling = settlingTime(result.trajectory, 4, 0.01);
    // The reference reconstruction: 1% settling takes 4.6 τ_v.
    settling.forEach((s) => expect(s).toBeCloseTo(4.6, 1));
  });

  it('Hamming (7,4): 112/112 single-bit errors corrected, 0/336 double-bit errors (nearest codeword is another one), energy never rising', () => {
    const model = modelOf(hammingSpec(2));
    const setup = setupOf({ name: 'euler', dt0: 2e-3 });
    const decoded = (flips: 1 | 2) => {
      const words = hammingErrors(flips);
      const result = relaxDenseAm(model, { setup, visible: words.visible, batch: words.batch, t1: 10 });
      const B = words.batch;
      let sent = 0;
      let onCodeword = 0;
      for (let b = 0; b < B; b++) {
        const word = Array.from({ length: 7 }, (_, i) => Math.sign(result.final[i * B + b]));
        if (word.every((s, i) => s === words.sent[b][i])) sent++;
        if (model.weights[0].some((_, m) => m < 16 && word.every((s, i) => s === model.weights[0][m * 7 + i]))) onCodeword++;
      }
      const settling = Array.from(settlingTime(result.trajectory, B, 0.01)).sort((a, b) => a - b);
      return { sent, onCodeword, B, maxIncrease: Math.max(...result.energy!.maxIncrease), median: settling[B >> 1] };
    };
    const single = decoded(1);
    expect(single.B).toBe(112);
    expect(single.sent).toBe(112);
    expect(single.maxIncrease).toBeLessThan(ENERGY_SLACK);
    const double = decoded(2);
    expect(double.B).toBe(336);
    expect(double.sent).toBe(0);
    // Wrong by construction, yet every double error still lands on a codeword.
    expect(double.onCodeword).toBe(336);
    expect(double.maxIncrease).toBeLessThan(ENERGY_SLACK);
    // The reference reconstruction's median 1% settling at β = 2: 5.3 τ_v.
    expect(single.median).toBeCloseTo(5.3, 1);
  });

  it('the same DenseAM circuit agrees under an explicit and an implicit solver', () => {
    const model = modelOf(hammingSpec(4));
    const words = hammingErrors(1);
    const B = 16;
    const visible = new Float64Array(7 * B);
    for (let i = 0; i < 7; i++) for (let b = 0; b < B; b++) visible[i * B + b] = words.visible[i * words.batch + 7 * b];
    const y0 = model.initialState(visible, B);
    const run = (config: SolverConfig) => {
      const setup = setupOf(config);
      return solve(new KclDynamics(model.circuit, B), setup.solver, { ...setup.options, t0: 0, t1: 3, y0, saveAt: [0.5, 3] });
    };
    const explicit = run({ name: 'dopri5', rtol: 1e-10, atol: 1e-10 });
    for (const name of ['tr-bdf2', 'bdf2']) {
      const implicit = run({ name, rtol: 1e-8, atol: 1e-8 });
      for (let k = 0; k < 2; k++) {
        let worst = 0;
        explicit.ys[k].forEach((x, i) => (worst = Math.max(worst, Math.abs(x - implicit.ys[k][i]))));
        expect(worst, name).toBeLessThan(2e-5);
      }
    }
  });

  it('passive crossbars: the crossbar adds to every node leak, so the nodes are faster and the states smaller; the energy still never rises', () => {
    const model = modelOf({ ...hammingSpec(2), mode: 'passive' });
    const words = hammingErrors(1);
    const B = words.batch;
    const result = relaxDenseAm(model, { setup: setupOf({ name: 'euler', dt0: 1e-3 }), visible: words.visible, batch: B, t1: 4 });
    expect(Math.max(...result.energy!.maxIncrease)).toBeLessThan(ENERGY_SLACK);
    // Visible leak 1 + Σ_μ|ξ_μi| = 17: τ = τ_v/17, and v* = ξᵀf/17 (the reference's caveat: τ and the
    // effective weights depend on the crossbar's size).
    expect(Math.max(...settlingTime(result.trajectory, B, 0.01))).toBeLessThan(1);
    const term = new KclDynamics(model.circuit, B);
    const rate = new Float64Array(term.size);
    term.vf(4, result.final, rate);
    expect(Math.max(...rate.map(Math.abs))).toBeLessThan(1e-6);
    for (let i = 0; i < 7 * B; i++) expect(Math.abs(result.final[i])).toBeLessThanOrEqual(1 / 17 + 1e-9);
  });

  it('finite amplifier bandwidth and conductance noise: the model runs and says it has no energy guarantee', () => {
    const amplified = modelOf({ ...xorSpec(4), amplifierTau: 0.05 });
    expect(amplified.energy).toBeNull();
    expect(amplified.energyUnavailable).toMatch(/amplifier/);
    const { visible, expected } = xorCases();
    const result = relaxDenseAm(amplified, { setup: setupOf({ name: 'euler', dt0: 1e-3 }), visible, batch: 4, t1: 12 });
    expect(Array.from(result.readout, Math.sign)).toEqual(expected);
    const noisy = modelOf({ ...xorSpec(4), conductanceNoise: { std: 0.05, seed: 1 } });
    expect(noisy.energy).toBeNull();
    const couplings = noisy.circuit.couplings!;
    expect(couplings[0].weights).not.toBe(couplings[1].weights);
    const noisyResult = relaxDenseAm(noisy, { setup: setupOf({ name: 'euler', dt0: 1e-3 }), visible, batch: 4, t1: 10 });
    expect(Array.from(noisyResult.readout, Math.sign)).toEqual(expected);
  });
});
