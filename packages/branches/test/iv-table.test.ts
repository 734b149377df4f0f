import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { BranchCatalog, createKirchhoffContainer, Rng, type BranchType, type CompiledBranchType } from '@kirchhoff/core';
import { BranchTester } from '@kirchhoff/core/testing';
import { evaluateSpline, evaluateSplineSlope, interpolatingSpline } from '../src/fitting/spline';
import { EXAMPLE_TABLE, ivTable, type IvTableOptions } from '../src/iv-table';
import { registerBranches } from '../src/register';

// Thirteen knots of the three-term tunnel diode on 0 … 0.6 V, in mA: peak, NDR and valley included.
const voltages = Array.from({ length: 13 }, (_, k) => k * 0.05);
const currents = voltages.map((v) => (v / 0.1) * Math.exp(1 - v / 0.1) + 0.1 * Math.exp(30 * (v - 0.5)));

function member(options: IvTableOptions): BranchType {
  const created = ivTable.create(options);
  if (E.isLeft(created)) throw new Error(created.left.map((i) => i.message).join('\n'));
  return created.right;
}

const table = member({ voltages, currents, name: 'iv-table-tunnel' });

BranchTester.run('iv-table-tunnel', table, {
  // Mostly inside the knots, some beyond either end, where the law is flat.
  samplePoint: (rng: Rng) => {
    const vd = -0.5 + rng.uniform();
    return { vs: vd - 0.1 + 0.8 * rng.uniform(), vd, theta: [] };
  },
  valid: voltages.map((v, k) => ({ vs: v + 0.25, vd: 0.25, theta: [], current: currents[k], tolerance: 1e-13 })),
});

describe('iv-table family', () => {
  const container = createKirchhoffContainer();
  registerBranches(container);
  const catalog = container.resolve(BranchCatalog);
  const compiled: CompiledBranchType = catalog.require({ family: 'iv-table', options: { voltages, currents } });
  const spline = interpolatingSpline(voltages, currents);
  const at = (v: number) => compiled.law.evaluateAt([v, 0], []);

  it('names a member by a hash of its knots unless given a name', () => {
    expect(compiled.definition.name).toMatch(/^iv-table-[0-9a-f]{8}$/);
    expect(member({ voltages, currents }).name).toBe(compiled.definition.name);
    expect(member({ voltages, currents: currents.map((i) => 2 * i) }).name).not.toBe(compiled.definition.name);
    expect(table.name).toBe('iv-table-tunnel');
  });

  it('evaluates to the spline, and its symbolic slope is the spline’s exact derivative', () => {
    const rng = new Rng(3);
    for (let n = 0; n < 200; n++) {
      const v = -0.1 + 0.8 * rng.uniform();
      const { currents: [i], dV: [slope, minusSlope] } = at(v);
      expect(Math.abs(i - evaluateSpline(spline, v))).toBeLessThan(1e-14);
      expect(Math.abs(slope - evaluateSplineSlope(spline, v))).toBeLessThan(1e-12);
      expect(minusSlope + slope).toBe(0);
    }
  });

  it('is a C² natural spline: slope and curvature continuous at the knots, curvature 0 at both ends', () => {
    const c = spline.coefficients;
    for (let k = 1; k < voltages.length - 1; k++) {
      const h = voltages[k] - voltages[k - 1];
      const [, b, c2, d] = [0, 1, 2, 3].map((j) => c[4 * (k - 1) + j]);
      expect(b + 2 * c2 * h + 3 * d * h * h).toBeCloseTo(c[4 * k + 1], 10);
      expect(2 * c2 + 6 * d * h).toBeCloseTo(2 * c[4 * k + 2], 8);
    }
    const last = voltages.length - 2;
    const h = voltages[last + 1] - voltages[last];
    expect(c[2]).toBe(0);
    expect(2 * c[4 * last + 2] + 6 * c[4 * last + 3] * h).toBeCloseTo(0, 8);
  });

  it('is flat outside the knots: the end currents, with zero slope', () => {
    for (const [v, end] of [[-0.3, 0], [1.5, currents.length - 1]]) {
      expect(at(v).currents[0]).toBe(currents[end]);
      expect(at(v).dV[0]).toBe(0);
    }
  });

  it('reproduces a straight line exactly', () => {
    const line = catalog.require({ family: 'iv-table', options: { voltages: [0, 0.3, 0.5, 1], currents: [1, 1.6, 2, 3] } });
    for (const v of [0.1, 0.4, 0.77]) expect(line.law.evaluateAt([v, 0], []).currents[0]).toBeCloseTo(1 + 2 * v, 14);
  });

  it('falls back to the example table (the tunnel-diode defaults) only when given neither list', () => {
    const example = member({});
    expect(example.name).toBe(member({ voltages: EXAMPLE_TABLE.voltages, currents: EXAMPLE_TABLE.currents }).name);
    const law = catalog.require(example);
    // The knot at the diode's peak: 1 mA at 0.1 V.
    expect(EXAMPLE_TABLE.voltages[2]).toBe(0.1);
    expect(EXAMPLE_TABLE.currents[2]).toBeCloseTo(1e-3, 8);
    expect(Math.abs(law.law.evaluateAt([0.1, 0], []).currents[0] - EXAMPLE_TABLE.currents[2])).toBeLessThan(1e-18);
    expect(ivTable.create({ currents: [0, 1] })).toMatchObject({ left: [{ code: 'invalid-option' }] });
  });

  it('rejects bad tables with invalid-option, naming each problem', () => {
    const codes = (options: unknown) => {
      const result = ivTable.create(options as IvTableOptions);
      return E.isLeft(result) ? result.left.map((i) => [i.code, i.message]) : [];
    };
    expect(codes({ voltages: [0, 1] })).toEqual([['invalid-option', expect.stringMatching(/^currents must be a list/)]]);
    expect(codes({ voltages: [0, 'x'], currents: [0, 1] })).toEqual([['invalid-option', expect.stringMatching(/^voltages must be a list/)]]);
    expect(codes({ voltages: [0, 1, 2], currents: [0, 1] })).toEqual([['invalid-option', '3 voltages but 2 currents']]);
    expect(codes({ voltages: [0, 0.2, 0.1], currents: [0, 1, 2] })).toEqual([['invalid-option', 'voltages must be strictly increasing: voltages[2] = 0.1 follows 0.2']]);
    expect(codes({ voltages: [0], currents: [0] })).toEqual([['invalid-option', expect.stringMatching(/needs 2 to \d+ knots, got 1/)]]);
    expect(codes({ voltages, currents, name: 'Tunnel_Table' })).toEqual([['invalid-option', 'name must be a kebab-case id, got "Tunnel_Table"']]);
  });
});
