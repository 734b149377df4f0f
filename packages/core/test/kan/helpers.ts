import { deviceBasis, type DeviceBasis } from '../../src/kan/basis';
import { createKanModel, type KanModel } from '../../src/kan/model';
import type { NormKind } from '../../src/kan/norm';
import type { PreFunction } from '../../src/kan/pre';
import { Rng } from '../../src/random/rng';
import { testType } from '../helpers';

/** The three-term tunnel diode written out here (core knows no branch package), at the reference's defaults. */
export const TUNNEL = testType('ip * ((vs - vd) / vp) * exp(1 - (vs - vd) / vp) + iv * exp(a2 * ((vs - vd) - vv))', ['ip', 'vp', 'iv', 'vv', 'a2'], 'delta');
export const TUNNEL_THETA = [1e-3, 0.1, 1e-4, 0.5, 30];
/** A smooth second device: a tanh bump. */
export const BUMP = testType('g * tanh(k * (vs - vd)) * exp(-(vs - vd) * (vs - vd))', ['g', 'k'], 'delta');

export function bases(inputLow = 0, inputHigh = 1.2): DeviceBasis[] {
  return [
    deviceBasis(TUNNEL, { inputLow, inputHigh, voltageLow: 0, voltageHigh: 0.6 }, TUNNEL_THETA),
    deviceBasis(BUMP, { inputLow, inputHigh, voltageLow: -1, voltageHigh: 2 }, [2, 1.5]),
  ];
}

export function smallKan(widths: number[], pre: PreFunction, norm: NormKind, seed = 3, inputLow = 0, inputHigh = 1.2): KanModel {
  const b = bases(inputLow, inputHigh);
  const model = createKanModel({ widths, layers: widths.slice(1).map(() => ({ bases: b, pre })), norm, init: { std: 0.5 } }, new Rng(seed));
  // Non-trivial norm affine parameters and biases, so their gradients are exercised away from 1 and 0.
  const rng = new Rng(seed + 1);
  model.params.forEach((p, k) => {
    if (model.masks[k]) return;
    if (p.length === widths[widths.length - 1] || model.layout.some((L) => L.bias === k || L.norm?.gamma === k || L.norm?.beta === k)) {
      for (let i = 0; i < p.length; i++) p[i] += 0.3 * rng.normal();
    }
  });
  return model;
}

export function randomInputs(B: number, n: number, low: number, high: number, seed = 7): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: B * n }, () => low + (high - low) * rng.uniform());
}
