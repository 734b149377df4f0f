import * as E from 'fp-ts/Either';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compileBranchType, FunctionTable, Rng, type BranchType } from '@kirchhoff/core';
import { BranchTester } from '@kirchhoff/core/testing';
import { branchModuleSource } from '../src/fitting/branch-module';
import { curveOf } from '../src/fitting/extrema';
import { fitDevice, type FitMethod, type FittedDevice } from '../src/fitting/fit-device';
import type { IvData } from '../src/fitting/iv-csv';

const vt = 8.617333262e-5 * 300;
/** The three-term tunnel diode with the reference defaults (A). */
const diode = (v: number) => 1e-3 * (v / 0.1) * Math.exp(1 - v / 0.1) + 1e-4 * Math.exp(30 * (v - 0.5)) + 1e-16 * Math.expm1(v / vt);
const sampled = (f: (v: number) => number, lo: number, hi: number, n: number): IvData => {
  const voltages = Float64Array.from({ length: n }, (_, k) => lo + ((hi - lo) * k) / (n - 1));
  return { voltages, currents: voltages.map(f), lines: Int32Array.from({ length: n }, (_, k) => k + 2) };
};
const data = sampled(diode, 0, 0.6, 61);

function fit(method: FitMethod, points: IvData = data, name = 'fitted-diode'): FittedDevice {
  const result = fitDevice(points, { method, name, source: 'diode.csv' });
  if (E.isLeft(result)) throw new Error(result.left.map((i) => i.message).join('\n'));
  return result.right;
}

const polynomial = fit({ kind: 'polynomial', degree: 12 }, data, 'diode-poly-12');
const spline = fit({ kind: 'spline' }, data, 'diode-spline');

// The emitted module, loaded the way the CLI's --plugin loader does: a dynamic import by file URL.
const dir = mkdtempSync(join(tmpdir(), 'kirchhoff-fit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
async function load(device: FittedDevice): Promise<Record<string, unknown>> {
  const path = join(dir, `${device.definition.name}.mjs`);
  writeFileSync(path, branchModuleSource(device.definition, { header: ['made by a test'], report: device.report }));
  return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
}
const splineModule = await load(spline);

BranchTester.run('diode-spline', splineModule.default as BranchType, {
  samplePoint: (rng: Rng) => {
    const vd = -0.5 + rng.uniform();
    return { vs: vd - 0.1 + 0.8 * rng.uniform(), vd, theta: [] };
  },
});

describe('fitDevice', () => {
  const expectWithinReport = (device: FittedDevice) => {
    const curve = curveOf(device.compiled, []);
    const { maxError, rmse, iMax, relativeRmse, points } = device.report;
    let sum = 0;
    data.voltages.forEach((v, k) => {
      const error = Math.abs(curve(v).current - data.currents[k]);
      expect(error).toBeLessThanOrEqual(maxError);
      sum += error ** 2;
    });
    expect(Math.sqrt(sum / points)).toBeCloseTo(rmse, 15);
    expect(iMax).toBe(Math.max(...data.currents));
    expect(relativeRmse).toBe(rmse / iMax);
  };

  it('fits a degree-12 polynomial to the tunnel diode within the reported error', () => {
    expectWithinReport(polynomial);
    const { report } = polynomial;
    expect(report.relativeRmse).toBeLessThan(2e-3);
    expect(report.maxError).toBeGreaterThan(0);
    expect(report.conditionEstimate).toBeGreaterThan(1);
    // A fit that good keeps the device's peak and valley.
    expect(report.extrema.map((e) => e.kind)).toEqual(['peak', 'valley']);
    expect(Math.abs(report.extrema[0].voltage - 0.1)).toBeLessThan(5e-3);
    expect(Math.abs(report.extrema[1].voltage - 0.462)).toBeLessThan(1e-2);
  });

  it('interpolates with the spline, and stays close to the device between the points', () => {
    expectWithinReport(spline);
    expect(spline.report.maxError).toBeLessThan(1e-15);
    expect(spline.report.lambda).toBe(0);
    const curve = curveOf(spline.compiled, []);
    // Natural ends (f'' = 0) cost accuracy where the device curves at the ends: 8e-6 A at 0.595 V
    // against 1e-9 A to 2e-8 A inside, at midpoints between the 10 mV samples.
    for (let k = 0; k < 60; k++) {
      const mid = 0.005 + 0.01 * k;
      const inside = mid > 0.05 && mid < 0.55;
      expect(Math.abs(curve(mid).current - diode(mid)), `at ${mid} V`).toBeLessThan(inside ? 5e-8 : 1e-5);
    }
    const [peak, valley] = spline.report.extrema;
    expect(peak).toMatchObject({ kind: 'peak' });
    expect(Math.abs(peak.current - 1e-3)).toBeLessThan(1e-6);
    expect(Math.abs(valley.voltage - 0.4623)).toBeLessThan(2e-3);
  });

  it('finds the spurious bump of the MBD1057 vendor polynomial (kanalogue.md §1) in the fit report', () => {
    const vendor = (v: number) => 0.007358 * v - 0.08607 * v ** 2 + 0.2911 * v ** 3 + 0.03922 * v ** 4 - 1.693 * v ** 5 + 2.099 * v ** 6;
    const { report } = fit({ kind: 'polynomial', degree: 6 }, sampled(vendor, -0.06, 0.47, 54), 'mbd1057');
    expect(report.maxError).toBeLessThan(1e-17);
    const rounded = report.extrema.map((e) => [e.kind, Number(e.voltage.toFixed(4)), Number(e.current.toPrecision(2))]);
    expect(rounded).toEqual([
      ['peak', 0.0615, 1.9e-4],
      ['valley', 0.2162, 9.8e-6],
      ['peak', 0.344, 6.8e-5],
      ['valley', 0.3836, 6.4e-5],
    ]);
  });

  it('smooths with s as a bound on the residual sum of squares', () => {
    const rng = new Rng(4);
    const noisy = { ...data, currents: data.currents.map((i) => i + 2e-5 * rng.normal()) };
    const s = 61 * (2e-5) ** 2;
    const device = fit({ kind: 'spline', smoothing: s }, noisy, 'noisy-spline');
    expect(Math.abs(device.report.rmse ** 2 * 61 - s) / s).toBeLessThan(1e-6);
    expect(device.report.lambda).toBeGreaterThan(0);
    expect(device.definition.meta.description).toBe(`natural cubic smoothing spline (s = ${s}) to diode.csv: 61 points on [0, 0.6] V, flat outside`);
  });

  it('rejects a degree the points cannot support, a bad degree, a negative smoothing and too many knots', () => {
    const codes = (method: FitMethod, points = data) => {
      const result = fitDevice(points, { method, name: 'x' });
      return E.isLeft(result) ? result.left.map((i) => i.code) : [];
    };
    expect(codes({ kind: 'polynomial', degree: 4 }, sampled(diode, 0, 0.6, 4))).toEqual(['fit-underdetermined']);
    expect(codes({ kind: 'polynomial', degree: 2.5 })).toEqual(['invalid-degree']);
    expect(codes({ kind: 'polynomial', degree: 21 })).toEqual(['invalid-degree']);
    expect(codes({ kind: 'spline', smoothing: -1 })).toEqual(['invalid-smoothing']);
    expect(codes({ kind: 'spline' }, sampled(diode, 0, 0.6, 257))).toEqual(['fit-too-many-knots']);
    expect(codes({ kind: 'polynomial', degree: 10 }, sampled(diode, 0, 0.6, 257))).toEqual([]);
    expect(codes({ kind: 'spline' }, { ...data, voltages: data.voltages.map((v, k) => (k === 5 ? 0 : v)) })).toEqual(['invalid-data']);
  });
});

describe('branchModuleSource', () => {
  it('emits a module whose exports are the definition and the report, and which compiles', async () => {
    const module = await load(polynomial);
    expect(module.branchType).toEqual(polynomial.definition);
    expect(module.default).toBe(module.branchType);
    expect(module.fitReport).toMatchObject({ method: { kind: 'polynomial', degree: 12 }, points: 61 });
    const compiled = compileBranchType(module.default as BranchType, new FunctionTable());
    expect(E.isRight(compiled) && compiled.right.law.evaluateAt([0.1, 0], []).currents[0]).toBe(curveOf(polynomial.compiled, [])(0.1).current);
  });

  it('keeps data and names out of the code: comments stay comments, strings stay strings', async () => {
    const definition = { ...polynomial.definition, name: 'tricky', meta: { ...polynomial.definition.meta, description: '"; throw 1; //' } };
    const path = join(dir, 'tricky.mjs');
    writeFileSync(path, branchModuleSource(definition, { header: ['line one\nthrow new Error("injected")'] }));
    const module = (await import(pathToFileURL(path).href)) as { default: BranchType };
    expect(module.default.meta.description).toBe('"; throw 1; //');
  });
});
