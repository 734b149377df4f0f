import { edgeCoefficients, sampleEdge, type EdgeRef, type KanModel } from '@kirchhoff/core';
import { gridChart, lineChart, type ChartSpec } from '../plot/index';

export interface EdgeChartOptions {
  /** Inputs the functions are drawn over (before the pre-function). */
  readonly range: readonly [number, number];
  readonly points?: number;
  readonly columns?: number;
  readonly title: string;
  readonly subtitle?: string;
}

/**
 * pykan's edge plot: one small panel per edge i → o with its learned function Σ_d c_d·φ_d(pre(x)) (and,
 * faint, each basis term c_d·φ_d), titled with the edge and its coefficients.
 */
export function edgeChart(model: KanModel, edges: readonly EdgeRef[], options: EdgeChartOptions): ChartSpec {
  const n = options.points ?? 121;
  const [low, high] = options.range;
  const xs = Float64Array.from({ length: n }, (_, k) => low + ((high - low) * k) / (n - 1));
  const panels = edges.map((edge) => {
    const layer = model.spec.layers[edge.layer];
    const coefficients = edgeCoefficients(model, edge);
    const total = sampleEdge(model, edge, xs);
    // Each basis term alone: the edge with the other coefficients at zero.
    const terms = layer.bases.map((basis, d) => {
      const values = sampleSingle(model, edge, d, xs);
      return { name: `${coefficients[d].toPrecision(3)}·${basis.name}`, points: Array.from(xs, (x, k) => ({ x, y: values[k] })) };
    });
    return lineChart({
      title: `layer ${edge.layer}: ${edge.input} → ${edge.output}`,
      width: 170,
      height: 110,
      x: { title: 'x', domain: [low, high] },
      y: { title: 'φ(x)' },
      series: [{ name: 'Σ c·φ', points: Array.from(xs, (x, k) => ({ x, y: total[k] })) }, ...terms],
      legend: 'term',
    });
  });
  return gridChart(panels, { columns: options.columns ?? 4, title: options.title, ...(options.subtitle !== undefined && { subtitle: options.subtitle }) });
}

/** One basis term of an edge: the edge with its other coefficients set to zero for the moment. */
function sampleSingle(model: KanModel, edge: EdgeRef, d: number, xs: Float64Array): Float64Array {
  const L = model.layout[edge.layer];
  const c = model.params[L.coefficients];
  const saved = edgeCoefficients(model, edge);
  const index = (k: number) => (edge.input * L.D + k) * L.nOut + edge.output;
  try {
    for (let k = 0; k < L.D; k++) if (k !== d) c[index(k)] = 0;
    return sampleEdge(model, edge, xs);
  } finally {
    saved.forEach((value, k) => (c[index(k)] = value));
  }
}
