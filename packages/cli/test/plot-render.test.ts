import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import {
  circuitSvg,
  lineChart,
  parseMetrics,
  parseSigmaCsv,
  plotFontFiles,
  renderChart,
  renderSvg,
  sigmaChart,
  sigmaCsv,
  summarizeSigma,
} from '../src/plot';
import { readFontMetrics, textWidth } from '../src/plot/text-metrics';
import { expectWellFormedSvg, pngSize } from './plot-helpers';

const svgSize = (svg: string) => {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg)!;
  return { width: Number(m[1]), height: Number(m[2]) };
};

describe('renderChart', () => {
  it('draws a line chart as a well-formed SVG with its title, axes and series, and a PNG twice its size', async () => {
    const chart = lineChart({
      title: 'Two curves',
      subtitle: 'for the test',
      x: { title: 'time (s)' },
      y: { title: 'voltage (V)' },
      series: [
        { name: 'rising', points: [0, 1, 2, 3].map((x) => ({ x, y: x * x })), markers: true },
        { name: 'falling', points: [0, 1, 2, 3].map((x) => ({ x, y: 9 - x * x })) },
      ],
      rules: [{ x: 1.5, label: 'slice 1' }],
      legend: 'curve',
    });
    const plot = await renderChart(chart);
    expectWellFormedSvg(plot.svg);
    for (const text of ['Two curves', 'for the test', 'time (s)', 'voltage (V)', 'rising', 'falling', 'slice 1', 'curve']) expect(plot.svg).toContain(`>${text}<`);
    expect(plot.warnings).toEqual([]);
    const svg = svgSize(plot.svg);
    expect(svg.width).toBeGreaterThan(400);
    expect(svg.height).toBeGreaterThan(250);
    expect(pngSize(plot.png)).toEqual({ width: 2 * svg.width, height: 2 * svg.height });
    expect({ width: plot.width, height: plot.height }).toEqual(pngSize(plot.png));
  });

  it('sizes the layout with the font’s own widths: a long subtitle widens the chart by about its real width', async () => {
    const base = { x: { title: 'x' }, y: { title: 'y' }, series: [{ name: 'a', points: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }] };
    const subtitle = 'an unusually long subtitle that is certainly wider than the four-hundred-pixel plot area of this chart';
    const short = svgSize((await renderChart(lineChart({ ...base, title: 't' }))).svg);
    const long = svgSize((await renderChart(lineChart({ ...base, title: 't', subtitle }))).svg);
    const font = readFontMetrics(plotFontFiles()[0]);
    // Vega's estimate without a canvas would be 0.8 em per character, ~1000 px here.
    expect(long.width).toBeLessThan(textWidth(font, subtitle, 12) + 120);
    expect(long.width).toBeGreaterThan(short.width);
  });

  it('renders a hand-written SVG (the circuit drawing) to PNG at the requested scale', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><rect width="100" height="50" fill="red"/><text x="5" y="30">hi</text></svg>';
    expect(pngSize(renderSvg(svg, { scale: 3 }).png)).toEqual({ width: 300, height: 150 });
  });
});

describe('text metrics', () => {
  it('reads DejaVu Sans advance widths from the font file', () => {
    const files = plotFontFiles();
    const regular = readFontMetrics(files[0]);
    if (files[0].endsWith('DejaVuSans.ttf')) {
      expect(regular.advance('A'.codePointAt(0)!)).toBeCloseTo(1401 / 2048, 12);
      expect(regular.advance('i'.codePointAt(0)!)).toBeCloseTo(569 / 2048, 12);
    }
    expect(textWidth(regular, 'ii', 10)).toBeCloseTo(2 * 10 * regular.advance(105), 12);
  });

  it('names a missing font file in KIRCHHOFF_PLOT_FONTS', () => {
    expect(() => plotFontFiles({ KIRCHHOFF_PLOT_FONTS: '/no/such/font.ttf' })).toThrow(/no\/such\/font\.ttf/);
  });
});

describe('σ CSV', () => {
  const CSV = '# noise\nsigma,seed,accuracy,series\n0,0,0.99,weights\n0,1,0.97,weights\n0.1,0,0.9,weights\n0.1,1,0.8,weights\n0.1,0,0.95,capacitance\n';

  it('parses rows, skips comments, and summarises mean and sample standard deviation per series and σ', () => {
    const rows = parseSigmaCsv(CSV, 'noise.csv');
    expect(E.isRight(rows)).toBe(true);
    if (E.isLeft(rows)) return;
    expect(rows.right).toHaveLength(5);
    const summary = summarizeSigma(rows.right);
    expect(summary.map((s) => [s.series, s.sigma, s.n])).toEqual([
      ['weights', 0, 2],
      ['weights', 0.1, 2],
      ['capacitance', 0.1, 1],
    ]);
    expect(summary[1].mean).toBeCloseTo(0.85, 12);
    expect(summary[1].std).toBeCloseTo(Math.sqrt(0.005), 12);
    expect(summary[2].std).toBe(0);
    // What sigmaCsv writes reads back the same.
    const again = parseSigmaCsv(sigmaCsv(rows.right), 'again.csv');
    expect(again).toEqual(rows);
  });

  it('names the line of every malformed row, and the header when a column is missing', () => {
    const bad = parseSigmaCsv('sigma,seed,accuracy\n0,0,0.9\n0.1,0\nx,1,0.5\n0.2,2,95\n', 'bad.csv');
    expect(E.isLeft(bad) && bad.left.map((i) => [i.where, i.code])).toEqual([
      ['bad.csv:3', 'invalid-csv'],
      ['bad.csv:4', 'invalid-csv'],
      ['bad.csv:5', 'invalid-csv'],
    ]);
    if (E.isLeft(bad)) expect(bad.left[2].message).toMatch(/accuracy must be a fraction in \[0, 1\], got '95'/);
    const header = parseSigmaCsv('noise,acc\n0,1\n', 'h.csv');
    expect(E.isLeft(header) && header.left[0].where).toBe('h.csv:1');
  });

  it('draws mean lines, bands and the runs as dots, in percent', async () => {
    const rows = parseSigmaCsv(CSV, 'noise.csv');
    if (E.isLeft(rows)) throw new Error('fixture');
    const plot = await renderChart(sigmaChart(rows.right));
    expectWellFormedSvg(plot.svg);
    for (const text of ['Accuracy vs σ', 'accuracy (%)', 'weights', 'capacitance']) expect(plot.svg).toContain(`>${text}<`);
    expect(plot.warnings).toEqual([]);
  });
});

describe('metrics.jsonl', () => {
  it('keeps epoch and eval records, skips rollbacks, and names a broken line', () => {
    const epoch = { type: 'epoch', epoch: 1, iteration: 8, lr: 0.1, trainLoss: 0.5, trainAccuracy: 0.8, testLoss: 0.4, testAccuracy: 0.85, nfeForward: 1, nfeBackward: 1, rollbacks: 0, seconds: 1 };
    const evaluation = { type: 'eval', epoch: 2, batch: 4, iteration: 12, testLoss: 0.3, testAccuracy: 0.9, seconds: 1.5, evalSeconds: 0.1 };
    const good = parseMetrics([epoch, { type: 'rollback', epoch: 1 }, evaluation].map((r) => JSON.stringify(r)).join('\n') + '\n', 'm.jsonl');
    expect(E.isRight(good) && [good.right.epochs.length, good.right.evaluations.length]).toEqual([1, 1]);
    const bad = parseMetrics(`${JSON.stringify(epoch)}\n{"type":"epoch",\n${JSON.stringify({ ...evaluation, seconds: 'late' })}\n`, 'm.jsonl');
    expect(E.isLeft(bad) && bad.left.map((i) => i.where)).toEqual(['m.jsonl:2', 'm.jsonl:3']);
    if (E.isLeft(bad)) expect(bad.left[1].message).toContain('seconds');
  });
});

describe('circuitSvg', () => {
  const drawing = {
    title: 'A & B',
    numNodes: 3,
    edges: [
      { src: 1, dst: 2, type: 'conductance' },
      { src: 1, dst: 2, type: 'conductance' },
      { src: 2, dst: 3, type: 'shift-tanh-2' },
      { src: 0, dst: 3, type: 'conductance' },
    ],
    capacitance: [1, 1, 0],
  };

  it('draws nodes, labelled arrows, ground symbols, capacitors and a legend', () => {
    const svg = circuitSvg(drawing);
    expectWellFormedSvg(svg);
    expect(svg).toContain('>A &amp; B<');
    for (const n of [1, 2, 3]) expect(svg).toContain(`>${n}</text>`);
    expect(svg).toContain('>conductance ×2<');
    expect(svg).toContain('>shift-tanh-2<');
    expect(svg).toContain('>conductance (3)<');
    expect(svg).toContain('ground (node 0)');
    expect(svg).toContain('dashed node: no capacitor');
    // Two capacitors of seven strokes each; node 3 has none.
    expect(svg.match(/<g class="capacitors">(.*?)<\/g>/s)![1].match(/<line/g)).toHaveLength(14);
    expect(svg.match(/marker-end="url\(#arrow\d\)"/g)!.length).toBeGreaterThanOrEqual(4);
    expect(pngSize(renderSvg(svg).png).width).toBeGreaterThan(1000);
  });

  it('refuses circuits of more than 40 nodes', () => {
    expect(() => circuitSvg({ ...drawing, numNodes: 41, capacitance: new Array(41).fill(1) })).toThrow(RangeError);
  });
});
