import { describe, expect, it } from 'vitest';
import { deviceBasis } from '../../src/kan/basis';
import { TUNNEL, TUNNEL_THETA } from './helpers';

describe('device bases', () => {
  const basis = deviceBasis(TUNNEL, { inputLow: 0, inputHigh: 1.2, voltageLow: 0, voltageHigh: 0.3 }, TUNNEL_THETA);
  const at = (xs: number[]) => {
    const phi = new Float64Array(xs.length);
    const slope = new Float64Array(xs.length);
    basis.evaluate(Float64Array.from(xs), xs.length, phi, slope);
    return { phi, slope };
  };

  it('maps the input range onto the voltage window and divides by the largest current there', () => {
    // The tunnel diode peaks at vp = 0.1 V, i.e. x = 0.4 on a 0–0.3 V window over [0, 1.2]: φ = 1 there.
    expect(basis.scaling.currentScale).toBeCloseTo(1e-3, 8);
    expect(at([0.4]).phi[0]).toBeCloseTo(1, 5);
    const v = 0.25;
    const current = 1e-3 * (v / 0.1) * Math.exp(1 - v / 0.1) + 1e-4 * Math.exp(30 * (v - 0.5));
    expect(at([1]).phi[0]).toBeCloseTo(current / basis.scaling.currentScale, 12);
  });

  it('is flat outside the input range, with zero slope, as the reference clamps its bases', () => {
    const { phi, slope } = at([-0.5, 0, 1.2, 2]);
    expect(phi[0]).toBe(phi[1]);
    expect(phi[3]).toBe(phi[2]);
    expect([slope[0], slope[3]]).toEqual([0, 0]);
  });

  it('gives dφ/dx from the fused kernel, as central differences do', () => {
    for (const x of [0.05, 0.3, 0.7, 1.1]) {
      const h = 1e-6;
      const fd = (at([x + h]).phi[0] - at([x - h]).phi[0]) / (2 * h);
      expect(at([x]).slope[0]).toBeCloseTo(fd, 5);
    }
  });

  it('prints itself as a closed form of the device law', () => {
    expect(basis.expression('u')).toContain('exp(');
    expect(basis.expression('u')).toContain('min(1.2, max(0, u))');
  });
});
