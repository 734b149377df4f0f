import { describe, expect, it } from 'vitest';
import { BranchTester } from '@kirchhoff/core/testing';
import { Rng } from '@kirchhoff/core';
import { curveOf, defaultTheta, ivExtrema, steepestNdr } from '../src/fitting/extrema';
import { schulmanRtd } from '../src/schulman-rtd';
import { expectPartialsMatch, registeredType } from './device-checks';

const kanalogue = [3.9e-3, 0.5, 0.0874, 0.0073, 0.0352, 0.0031, 0.0367, 300];
const vt = 8.617333262e-5 * 300;

/** The paper's form, with the logarithm of a ratio, evaluated directly (fine in this voltage range). */
function paperForm(v: number): number {
  const [a, b, c, d, n1, n2, h] = kanalogue;
  const ratio = (1 + Math.exp((b - c + n1 * v) / vt)) / (1 + Math.exp((b - c - n1 * v) / vt));
  return a * Math.log(ratio) * (Math.PI / 2 + Math.atan((c - n1 * v) / d)) + h * (Math.exp((n2 * v) / vt) - 1);
}

// KANalogue clamps the RTD's input to ±10 V; sample that range around the published parameters.
const samplePoint = (rng: Rng) => {
  const vd = -1 + 2 * rng.uniform();
  return { vs: vd - 10 + 20 * rng.uniform(), vd, theta: kanalogue.map((x) => x * (0.9 + 0.2 * rng.uniform())) };
};

BranchTester.run('schulman-rtd', schulmanRtd, {
  samplePoint,
  valid: [1, 2.164, 3.364, -10, 10].map((v) => ({ vs: v, vd: 0, theta: kanalogue, current: paperForm(v), tolerance: 1e-14 })),
});

describe('schulman-rtd with KANalogue’s parameter set (kanalogue.md §1)', () => {
  const type = registeredType('schulman-rtd');
  const curve = curveOf(type);

  it('defaults to KANalogue’s parameters at 300 K', () => {
    expect(defaultTheta(type)).toEqual(kanalogue);
  });

  it('peaks at 2.164 V / 69.8 mA and bottoms out at 3.364 V / 26.5 mA (PVCR 2.6)', () => {
    const extrema = ivExtrema(curve, 0, 10);
    expect(extrema.map((e) => e.kind)).toEqual(['peak', 'valley']);
    const [peak, valley] = extrema;
    expect(Math.abs(peak.voltage - 2.164)).toBeLessThan(5e-4);
    expect(Math.abs(peak.current - 69.8e-3)).toBeLessThan(5e-5);
    expect(Math.abs(valley.voltage - 3.364)).toBeLessThan(5e-4);
    expect(Math.abs(valley.current - 26.5e-3)).toBeLessThan(5e-5);
    expect(Math.abs(peak.current / valley.current - 2.6)).toBeLessThan(0.05);
  });

  it('maps ±10 V onto KANalogue’s normalisation constants, J(−10) = −0.3564 and J(10) = 0.0880', () => {
    expect(curve(-10).current).toBeCloseTo(-0.35641, 4);
    expect(curve(10).current).toBeCloseTo(0.088, 4);
  });

  it('is steepest, −105.4 mS (derived, docs/schulman-rtd.md), at 2.500 V, between peak and valley', () => {
    const steepest = steepestNdr(curve, 0, 10);
    expect(Math.abs(steepest.voltage - 2.5)).toBeLessThan(5e-4);
    expect(Math.abs(steepest.slope - -0.1054)).toBeLessThan(5e-5);
  });

  it('matches each partial to its own finite difference', () => {
    const rng = new Rng(11);
    expectPartialsMatch(type, Array.from({ length: 40 }, () => samplePoint(rng)));
  });
});
