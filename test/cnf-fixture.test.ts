import { describe, expect, it } from 'vitest';
import { createCircuit, createModel, simulateFlow, standardNormalLogDensity, type Model } from '@kirchhoff/core';
import { readFixtureJson, toNodeMajor } from './support/fixtures';
import { builtinContainer, catalogOf, setupOf, unwrap } from './support/kirchhoff-context';

interface TwomoonCnfFixture {
  topology_src_des_layer0: [number[], number[]];
  params_layer0: number[][];
  params_layer1: number[][];
  z_t0: number[][];
  x_T: number[][];
  delta_logp: number[];
  log_q_xT: number[];
  settings: { tol: number; first_step: number; min_step: number; t_end: number[] };
}

/**
 * The released two-moons generator (2 slices × 300 ShiftTanh2 edges over [0, 0.5] and [0.5, 1]) as a CNF:
 * base samples z_t0 flow forward to x_T, and ℓ(T) = −∫ tr(∂f/∂v) dt is the fixture's delta_logp. The
 * fixture README's tolerances: an accurate solver x_T ≤ 2e-3, delta_logp and log q ≤ 5e-3; a faithful
 * dopri5 with torchdiffeq's tuple norm 1e-4 and 1e-3; the reverse pass recovers z to ≤ 5e-3.
 */
const fx = readFixtureJson<TwomoonCnfFixture>('twomoon_pretrained_cnf.json');
const container = builtinContainer();
const type = catalogOf(container).require('ShiftTanh2');
const [src, dst] = fx.topology_src_des_layer0;
const model: Model = unwrap(
  createModel(
    [fx.params_layer0, fx.params_layer1].map((rows) => ({
      duration: 0.5,
      circuit: unwrap(createCircuit({ numNodes: 2, groups: [{ type, src, dst, params: rows.flat() }] })),
    })),
  ),
);
const B = fx.z_t0.length;
const z = toNodeMajor(fx.z_t0, 2);
const x = toNodeMajor(fx.x_T, 2);
/** The fixture's settings with the torchdiffeq-faithful controller (dopri5's default). */
const faithful = () => setupOf(container, { name: 'dopri5', rtol: fx.settings.tol, atol: fx.settings.tol, dt0: fx.settings.first_step, dtMin: fx.settings.min_step });
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

describe('pretrained two-moons CNF (fixture)', () => {
  it('has the settings the tests assume', () => {
    expect(fx.settings.t_end).toEqual([0, 0.5, 1]);
    expect(B).toBe(16);
  });

  for (const [label, setup, tolX, tolL] of [
    ['faithful dopri5 (torchdiffeq controller, tuple norm)', faithful, 1e-4, 1e-3],
    ['accurate dopri5 (1e-10)', () => setupOf(container, { name: 'dopri5', rtol: 1e-10, atol: 1e-10 }), 2e-3, 5e-3],
    ['accurate tsit5 (1e-10)', () => setupOf(container, { name: 'tsit5', rtol: 1e-10, atol: 1e-10 }), 2e-3, 5e-3],
  ] as const) {
    it(`${label}: x_T, delta_logp and log q(x_T)`, () => {
      const result = simulateFlow({ model, input: z, batch: B, setup: setup() });
      const logq = standardNormalLogDensity(z, 2, B, new Float64Array(B)).map((v, b) => v + result.deltaLogp[b]);
      expect(maxAbs(result.final, x)).toBeLessThanOrEqual(tolX);
      expect(maxAbs(result.deltaLogp, fx.delta_logp)).toBeLessThanOrEqual(tolL);
      expect(maxAbs(logq, fx.log_q_xT)).toBeLessThanOrEqual(tolL);
    });
  }

  it('faithful dopri5 takes the replica\'s steps: 7 in slice 1, 10 attempts (2 rejected) in slice 2', () => {
    const result = simulateFlow({ model, input: z, batch: B, setup: faithful() });
    expect(result.perSlice.map((s) => [s.acceptedSteps, s.rejectedSteps, s.nfe])).toEqual([
      [7, 0, 43],
      [8, 2, 61],
    ]);
  });

  it('with a plain RMS norm over the concatenated (v, ℓ) instead, it reproduces the README\'s plain-RMS replica (1.8e-4, 8.6e-4)', () => {
    const result = simulateFlow({ model, input: z, batch: B, setup: faithful(), norm: 'rms' });
    const errorX = maxAbs(result.final, x);
    const errorL = maxAbs(result.deltaLogp, fx.delta_logp);
    expect(errorX).toBeGreaterThan(1.5e-4);
    expect(errorX).toBeLessThan(2e-4);
    expect(errorL).toBeGreaterThan(8e-4);
    expect(errorL).toBeLessThan(9e-4);
  });

  it('reverse direction (training) recovers z, and its Δℓ is minus delta_logp', () => {
    const result = simulateFlow({ model, input: x, batch: B, setup: faithful(), direction: 'reverse' });
    expect(maxAbs(result.final, z)).toBeLessThanOrEqual(5e-3);
    expect(maxAbs(result.deltaLogp.map((v) => -v), fx.delta_logp)).toBeLessThanOrEqual(5e-3);
  });
});
