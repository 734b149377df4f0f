import { describe, expect, it } from 'vitest';
import { simulateModel } from '@kirchhoff/core';
import { readFixtureJson, toNodeMajor, type MnistLogitsFixture } from './support/fixtures';
import { builtinContainer, catalogOf, setupOf } from './support/kirchhoff-context';
import { loadPretrainedMnist } from './support/mnist-model';

/**
 * The released MNIST KirchhoffNet on the fixture's 8 digits, all in one batch as the original ran them.
 * With the torchdiffeq-faithful dopri5 controller (shared step size, tol 1e-3, first step 1e-2, min step
 * 1e-5), the fixture README expects the official logits to 1e-3 and NFE [31, 55].
 */
const fx = readFixtureJson<MnistLogitsFixture>('mnist_pretrained_logits.json');
const container = builtinContainer();
const model = loadPretrainedMnist(catalogOf(container));
const B = fx.inputs.length;
const input = toNodeMajor(fx.inputs.map((px) => [...px, ...new Array(50).fill(0)]), 834);
const logitsOf = (state: Float64Array) => fx.labels.map((_, b) => Array.from({ length: 10 }, (_, k) => state[(824 + k) * B + b]));
const argmax = (xs: number[]) => xs.indexOf(Math.max(...xs));

describe('pretrained MNIST KirchhoffNet (fixtures)', () => {
  it('reproduces the official-settings logits to 1e-3 with NFE [31, 55]', () => {
    const setup = setupOf(container, { name: 'dopri5', rtol: 1e-3, atol: 1e-3, dt0: 1e-2, dtMin: 1e-5 });
    const result = simulateModel({ model, input, batch: B, setup });
    const logits = logitsOf(result.final);
    const expected = fx['logits_official_settings_dopri5_tol1e-3'];
    const worst = Math.max(...logits.flatMap((row, b) => row.map((v, k) => Math.abs(v - expected[b][k]))));
    expect(worst).toBeLessThanOrEqual(1e-3);
    expect(result.perSlice.map((s) => s.nfe)).toEqual([31, 55]);
    logits.forEach((row, b) => expect(argmax(row)).toBe(fx.labels[b]));
  });

  it('with an accurate solve, matches the tol-1e-6 logits to 5e-3', () => {
    const setup = setupOf(container, { name: 'dopri5', rtol: 1e-7, atol: 1e-7, dt0: 1e-2 });
    const result = simulateModel({ model, input, batch: B, setup });
    const logits = logitsOf(result.final);
    const expected = fx['logits_tol1e-6'];
    const worst = Math.max(...logits.flatMap((row, b) => row.map((v, k) => Math.abs(v - expected[b][k]))));
    expect(worst).toBeLessThanOrEqual(5e-3);
  });
});
