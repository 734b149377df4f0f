import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { voltageReport } from '../../src/spice/report';
import { formatSi, parseSpiceValue } from '../../src/spice/units';

/** Samples of node voltages f_n(t) at `count` + 1 evenly spaced times over [0, T]. */
function sampled(fs: ((t: number) => number)[], T: number, count: number) {
  const times = Array.from({ length: count + 1 }, (_, i) => (T * i) / count);
  return { times, states: times.map((t) => fs.map((f) => f(t))) };
}

describe('voltage report', () => {
  it('gives every node’s range and the extremes with where and when', () => {
    const report = voltageReport(sampled([(t) => Math.sin(t), (t) => 2 * t - 1], 3, 3000));
    expect(report.ranges[0].max).toBeCloseTo(1, 6);
    expect(report.ranges[0].min).toBe(0);
    expect(report.ranges[1]).toEqual({ node: 2, min: -1, max: 5 });
    expect(report.lowest).toEqual({ node: 2, value: -1, time: 0 });
    expect(report.highest).toEqual({ node: 2, value: 5, time: 3 });
  });

  it('settling: the first time after which each readout stays within tolerance × its largest excursion of its end value', () => {
    // v = e^{−t} on [0, 5]: excursion 1 − e^{−5}; |e^{−t} − e^{−5}| ≤ 0.01·(1 − e^{−5}) from t = −ln(e^{−5} + band).
    const report = voltageReport(sampled([(t) => Math.exp(-t), () => 0.5], 5, 5000), { readoutNodes: [1, 2] });
    const band = 0.01 * (1 - Math.exp(-5));
    const exact = -Math.log(Math.exp(-5) + band);
    const [s] = report.settling;
    expect(s.time).toBeCloseTo(exact, 6);
    expect(s.fraction).toBeCloseTo(exact / 5, 6);
    expect(s.node).toBe(1);
    expect(s.band).toBeCloseTo(band, 12);
    expect(s.finalSlope).toBeCloseTo(Math.exp(-5), 4);
    // A constant readout settles at once.
    expect(voltageReport(sampled([() => 0.5], 1, 10)).settling[0]).toMatchObject({ time: 0, fraction: 0, finalSlope: 0 });
  });

  it('measures each slice from its own start against its own end', () => {
    // Slice 1 [0, 1]: v = t (still moving at the end: settles only at 0.99); slice 2 [1, 2]: v = 1 constant.
    const report = voltageReport(sampled([(t) => Math.min(t, 1)], 2, 2000), { slices: [{ t0: 0, t1: 1 }, { t0: 1, t1: 2 }], tolerance: 0.01 });
    expect(report.settling[0].time).toBeCloseTo(0.99, 9);
    expect(report.settling[0].finalSlope).toBeCloseTo(1, 9);
    expect(report.settling[1]).toMatchObject({ slice: 1, time: 1, fraction: 0 });
  });

  it('refuses a tolerance outside (0, 1)', () => {
    expect(() => voltageReport(sampled([() => 1], 1, 2), { tolerance: 1 })).toThrow(expect.objectContaining({ code: 'invalid-tolerance' }));
  });
});

describe('SPICE values', () => {
  it('reads SPICE scale suffixes, with unit letters after them', () => {
    const read = (text: string) => (E.isRight(parseSpiceValue(text)) ? (parseSpiceValue(text) as E.Right<number>).right : NaN);
    expect(read('1p')).toBeCloseTo(1e-12, 24);
    expect(read('1pF')).toBeCloseTo(1e-12, 24);
    expect(read('10n')).toBeCloseTo(1e-8, 20);
    expect(read('2.2meg')).toBe(2.2e6);
    expect(read('1m')).toBe(1e-3);
    expect(read('1e-9')).toBe(1e-9);
    expect(read('3s')).toBe(3);
    expect(read('1u')).toBe(1e-6);
    expect(E.isLeft(parseSpiceValue('fast'))).toBe(true);
    expect(E.isLeft(parseSpiceValue('1x'))).toBe(true);
  });

  it('prints values with SI prefixes', () => {
    expect(formatSi(1e-12, 'F')).toBe('1 pF');
    expect(formatSi(0.001, 'A')).toBe('1 mA');
    expect(formatSi(31.234567, 'V')).toBe('31.23 V');
    expect(formatSi(-6.1234e-6, 'V')).toBe('-6.123 µV');
  });
});
