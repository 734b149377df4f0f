import { describe, expect, it } from 'vitest';
import {
  backsolve,
  buildNetwork,
  checkpointed,
  discrete,
  flowGradient,
  flowLogDensity,
  gaussianNll,
  Rng,
  simulateFlow,
  type AdjointMethod,
  type Model,
  type SolverSetup,
} from '@kirchhoff/core';
import { fullyConnect } from '@kirchhoff/branches';
import { builtinContainer, catalogOf, setupOf, unwrap } from './support/kirchhoff-context';

/**
 * The CNF's gradients come from the existing adjoint methods with `CnfDynamics` as the term: the NLL of a
 * reverse (density) flow through two slices, and a loss on (x, ℓ(T)) of a forward (sampling) flow, against
 * central finite differences of the loss, for every parameter of both slices and for the input. Errors are
 * relative to the largest gradient, as in gradient-check.test.ts.
 */
const container = builtinContainer();
const B = 3;
const H = 1e-5;

function smallFlow(branch: string, seed: number): { model: Model; params: readonly Float64Array[] } {
  const type = catalogOf(container).require(branch);
  const topology = unwrap(fullyConnect.generate({ nodes: 3, repeat: [1, 1] }));
  const network = unwrap(
    buildNetwork(
      {
        numNodes: 2,
        slices: [0.3, 0.5].map((duration) => ({ duration, type, src: topology.src, dst: topology.dst })),
        inputNodes: [1, 2],
        readoutNodes: [1, 2],
      },
      new Rng(seed),
    ),
  );
  // Larger than the kaiming init, so that the flow and its trace are far from the identity.
  for (const p of network.params) for (let i = 0; i < p.length; i++) p[i] *= 6;
  return { model: network.model, params: network.params };
}

const input = Float64Array.from([0.3, -1.1, 0.8, 0.5, 0.2, -0.7]);
const tight = (): SolverSetup => setupOf(container, { name: 'dopri5', rtol: 1e-11, atol: 1e-11 });
const reference = (): SolverSetup => setupOf(container, { name: 'dopri5', rtol: 1e-12, atol: 1e-12 });

/** The reverse-flow NLL at tight tolerance, for finite differences. */
const nll = (model: Model, x: Float64Array) => {
  const { logq } = flowLogDensity({ model, input: x, batch: B, setup: reference() });
  return -logq.reduce((s, v) => s + v, 0) / B;
};

/** A forward-flow loss that reads both parts of the end state: Σ x² / 2 + Σ b·ℓ(T). */
const sampleLoss = (v: Float64Array, logp: Float64Array, gradV: Float64Array | null, gradLogp: Float64Array | null) => {
  let loss = 0;
  v.forEach((x, i) => {
    loss += 0.5 * x * x;
    if (gradV) gradV[i] = x;
  });
  logp.forEach((l, b) => {
    loss += (b + 1) * l;
    if (gradLogp) gradLogp[b] = b + 1;
  });
  return loss;
};
const sampled = (model: Model, z: Float64Array) => {
  const r = simulateFlow({ model, input: z, batch: B, setup: reference() });
  return sampleLoss(r.final, r.deltaLogp, null, null);
};

function relativeError(params: readonly Float64Array[], computed: { input: Float64Array; params: Float64Array[] }, loss: (x: Float64Array) => number): number {
  const expectedParams = params.map((p) =>
    Float64Array.from(p, (_, i) => {
      const saved = p[i];
      p[i] = saved + H;
      const up = loss(input);
      p[i] = saved - H;
      const down = loss(input);
      p[i] = saved;
      return (up - down) / (2 * H);
    }),
  );
  const expectedInput = Float64Array.from(input, (_, i) => {
    const plus = input.slice();
    const minus = input.slice();
    plus[i] += H;
    minus[i] -= H;
    return (loss(plus) - loss(minus)) / (2 * H);
  });
  const expected = [...expectedParams.flatMap((p) => Array.from(p)), ...expectedInput];
  const actual = [...computed.params.flatMap((p) => Array.from(p)), ...computed.input];
  const scale = Math.max(...expected.map(Math.abs));
  expect(scale).toBeGreaterThan(1e-3);
  return Math.max(...actual.map((v, i) => Math.abs(v - expected[i]))) / scale;
}

describe.each(['shift-tanh-2', 'shift-tanh-1'])('CNF gradients through two slices (%s)', (branch) => {
  const { model, params } = smallFlow(branch, 3);

  it.each([backsolve, checkpointed, discrete] as AdjointMethod[])('$name: NLL of the reverse flow vs finite differences', (method) => {
    const setup = method.meta.continuous ? tight() : setupOf(container, { name: 'dopri5', rtol: 1e-10, atol: 1e-10 });
    const result = flowGradient({
      model,
      input,
      batch: B,
      method,
      forward: setup,
      loss: (z, deltaLogp, gradZ, gradLogp) => gaussianNll(z, deltaLogp, 2, B, gradZ, gradLogp),
    });
    expect(result.loss).toBeCloseTo(nll(model, input), 8);
    const error = relativeError(params, { input: result.inputGradient, params: result.paramGradients.flat() }, (x) => nll(model, x));
    expect(error).toBeLessThanOrEqual(method.meta.continuous ? 1e-6 : 1e-5);
    // Both slices were walked back, and have their own statistics.
    expect(result.backwardStats.every((s) => s.nfe > 0)).toBe(true);
  });

  it('backsolve: a forward (sampling) loss on x and ℓ(T) vs finite differences', () => {
    const result = flowGradient({ model, input, batch: B, method: backsolve, forward: tight(), direction: 'forward', loss: sampleLoss });
    const error = relativeError(params, { input: result.inputGradient, params: result.paramGradients.flat() }, (z) => sampled(model, z));
    expect(error).toBeLessThanOrEqual(1e-6);
  });
});

describe('flows with any solver', () => {
  const { model } = smallFlow('shift-tanh-2', 4);
  const base = simulateFlow({ model, input, batch: B, setup: reference() });

  // Second-order implicit methods control the local error only: ~1000·tol globally (their meta.tolerance).
  it.each([
    ['tsit5', { name: 'tsit5', rtol: 1e-10, atol: 1e-10 }, 1e-6],
    ['odex', { name: 'odex', rtol: 1e-10, atol: 1e-10 }, 1e-6],
    ['rk4 (fixed step)', { name: 'rk4', dt0: 1e-3 }, 1e-6],
    ['trapezoidal (implicit, exact Jacobian)', { name: 'trapezoidal', rtol: 1e-9, atol: 1e-9 }, 1e-5],
    ['tr-bdf2 (implicit, exact Jacobian)', { name: 'tr-bdf2', rtol: 1e-9, atol: 1e-9 }, 1e-5],
    ['dopri5, per-sample error control', { name: 'dopri5', rtol: 1e-10, atol: 1e-10, errorControl: 'per-sample' as const }, 1e-6],
  ])('%s agrees with dopri5 at 1e-12', (_, config, tolerance) => {
    const result = simulateFlow({ model, input, batch: B, setup: setupOf(container, config) });
    const worst = Math.max(...Array.from(result.final, (v, i) => Math.abs(v - base.final[i])), ...Array.from(result.deltaLogp, (v, i) => Math.abs(v - base.deltaLogp[i])));
    expect(worst).toBeLessThanOrEqual(tolerance);
  });

  it('the reverse flow undoes the forward one, and its Δℓ is minus the forward ℓ(T)', () => {
    const back = simulateFlow({ model, input: base.final, batch: B, setup: reference(), direction: 'reverse' });
    back.final.forEach((v, i) => expect(v).toBeCloseTo(input[i], 9));
    back.deltaLogp.forEach((v, b) => expect(v).toBeCloseTo(-base.deltaLogp[b], 9));
  });
});
