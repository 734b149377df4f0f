import { describe, expect, it } from 'vitest';
import { BranchTester } from '@kirchhoff/core/testing';
import { Rng } from '@kirchhoff/core';
import { curveOf, defaultTheta, ivExtrema, steepestNdr } from '../src/fitting/extrema';
import { tunnelDiode } from '../src/tunnel-diode';
import { expectPartialsMatch, registeredType } from './device-checks';

const defaults = [1e-3, 0.1, 1e-4, 0.5, 30, 1e-16, 300];
const vt = 8.617333262e-5 * 300;
const closedForm = (v: number) => 1e-3 * (v / 0.1) * Math.exp(1 - v / 0.1) + 1e-4 * Math.exp(30 * (v - 0.5)) + 1e-16 * Math.expm1(v / vt);

// Around the defaults (±10 %) and over the device's working range, −0.2 … 0.8 V: far beyond it the
// diode term e^{V/vt} overflows, as any unlimited junction model does.
const jitter = (rng: Rng, x: number) => x * (0.9 + 0.2 * rng.uniform());
const samplePoint = (rng: Rng) => {
  const vd = -0.2 + 0.4 * rng.uniform();
  return { vs: vd - 0.2 + rng.uniform(), vd, theta: defaults.map((x) => jitter(rng, x)) };
};

BranchTester.run('tunnel-diode', tunnelDiode, {
  samplePoint,
  valid: [
    { vs: 0.1, vd: 0, theta: defaults, current: closedForm(0.1), tolerance: 1e-18 },
    { vs: 0.7, vd: 0.2, theta: defaults, current: closedForm(0.5), tolerance: 1e-18 },
    { vs: 0, vd: 0.3, theta: defaults, current: closedForm(-0.3), tolerance: 1e-18 },
  ],
});

describe('tunnel-diode with the reference defaults (kanalogue.md §1)', () => {
  const type = registeredType('tunnel-diode');
  const curve = curveOf(type);
  const extrema = ivExtrema(curve, 0, 0.7);

  it('has the default parameters of the reference', () => {
    expect(defaultTheta(type)).toEqual(defaults);
  });

  it('peaks at 0.100 V / 1.000 mA and bottoms out at 0.462 V / 0.156 mA (PVCR 6.4)', () => {
    expect(extrema.map((e) => e.kind)).toEqual(['peak', 'valley']);
    const [peak, valley] = extrema;
    // The reference rounds to three decimals: within half a unit of the last digit.
    expect(Math.abs(peak.voltage - 0.1)).toBeLessThan(5e-4);
    expect(Math.abs(peak.current - 1e-3)).toBeLessThan(5e-7);
    expect(Math.abs(valley.voltage - 0.462)).toBeLessThan(5e-4);
    expect(Math.abs(valley.current - 0.156e-3)).toBeLessThan(5e-7);
    expect(Math.abs(peak.current / valley.current - 6.4)).toBeLessThan(0.05);
  });

  it('has its steepest negative differential conductance, −3.68 mS, at 0.200 V', () => {
    const steepest = steepestNdr(curve, 0, 0.7);
    expect(Math.abs(steepest.voltage - 0.2)).toBeLessThan(5e-4);
    expect(Math.abs(steepest.slope - -3.68e-3)).toBeLessThan(5e-6);
    // Derived: the tunnelling term's −(ip/vp)/e at V = 2·vp plus the excess term's a2·iv·e^{a2(V − vv)};
    // the minimum itself moves by ~3e-5 V, which changes the slope only at second order.
    expect(Math.abs(steepest.slope - (-1e-2 / Math.E + 30 * 1e-4 * Math.exp(-9)))).toBeLessThan(1e-9);
  });

  it('matches each partial to its own finite difference, including the small ones', () => {
    const rng = new Rng(7);
    expectPartialsMatch(type, Array.from({ length: 40 }, () => samplePoint(rng)));
  });
});
