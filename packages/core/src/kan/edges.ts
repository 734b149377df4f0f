import type { KanModel } from './model';
import { applyPre, preExpression } from './pre';

/**
 * pykan-style inspection of a trained KAN: the learned function of every edge i → o of a layer,
 * φ_{i→o}(x) = Σ_d c[i,d,o]·φ_d(pre(x)), its coefficients, its closed form, and pruning by magnitude.
 * x is the layer's input before the pre-function (a pixel for the first layer, a normalised hidden
 * value after it); the output's bias b_o is the node's, not an edge's.
 */
export interface EdgeRef {
  readonly layer: number;
  readonly input: number;
  readonly output: number;
}

export function edgeCoefficients(model: KanModel, { layer, input, output }: EdgeRef): number[] {
  const { D, nOut, coefficients } = model.layout[layer];
  const c = model.params[coefficients];
  return Array.from({ length: D }, (_, d) => c[(input * D + d) * nOut + output]);
}

/** max_d |c[i,d,o]|: zero exactly when the edge is pruned. */
export function edgeMagnitude(model: KanModel, edge: EdgeRef): number {
  return edgeCoefficients(model, edge).reduce((m, c) => Math.max(m, Math.abs(c)), 0);
}

/** The edge function at the given inputs (the bases evaluated through their device kernels). */
export function sampleEdge(model: KanModel, edge: EdgeRef, xs: Float64Array): Float64Array {
  const layer = model.spec.layers[edge.layer];
  const coefficients = edgeCoefficients(model, edge);
  const n = xs.length;
  const xt = new Float64Array(n);
  applyPre(layer.pre, xs, n, xt, null);
  const phi = new Float64Array(n);
  const out = new Float64Array(n);
  layer.bases.forEach((basis, d) => {
    basis.evaluate(xt, n, phi, null);
    for (let k = 0; k < n; k++) out[k] += coefficients[d] * phi[k];
  });
  return out;
}

/** The edge as a closed-form sum of device expressions in `variable` (mathjs syntax). */
export function edgeExpression(model: KanModel, edge: EdgeRef, variable = 'x'): string {
  const layer = model.spec.layers[edge.layer];
  const pre = preExpression(layer.pre, variable);
  return edgeCoefficients(model, edge)
    .map((c, d) => `${c} * (${layer.bases[d].expression(pre)})`)
    .join(' + ');
}

/** Every edge of a layer with its magnitude, largest first. */
export function rankedEdges(model: KanModel, layer: number): (EdgeRef & { readonly magnitude: number })[] {
  const { nIn, nOut } = model.layout[layer];
  const edges: (EdgeRef & { magnitude: number })[] = [];
  for (let input = 0; input < nIn; input++) {
    for (let output = 0; output < nOut; output++) edges.push({ layer, input, output, magnitude: edgeMagnitude(model, { layer, input, output }) });
  }
  return edges.sort((a, b) => b.magnitude - a.magnitude || a.input - b.input || a.output - b.output);
}

/**
 * Removes every edge whose magnitude is below `threshold` (strictly: threshold 0 removes nothing, ∞
 * every edge, leaving the biases) by zeroing its coefficients; returns the edges kept per layer.
 */
export function pruneEdges(model: KanModel, threshold: number): { readonly kept: number[]; readonly total: number[] } {
  const kept: number[] = [];
  const total: number[] = [];
  model.layout.forEach((L, layer) => {
    const c = model.params[L.coefficients];
    let alive = 0;
    for (let input = 0; input < L.nIn; input++) {
      for (let output = 0; output < L.nOut; output++) {
        const magnitude = edgeMagnitude(model, { layer, input, output });
        if (magnitude >= threshold) {
          if (magnitude > 0) alive++;
          continue;
        }
        for (let d = 0; d < L.D; d++) c[(input * L.D + d) * L.nOut + output] = 0;
      }
    }
    kept.push(alive);
    total.push(L.nIn * L.nOut);
  });
  return { kept, total };
}

/** A whole layer in closed form: the output biases and every non-zero edge's expression. */
export function layerClosedForm(model: KanModel, layer: number, variable = 'x') {
  const L = model.layout[layer];
  const bias = Array.from(model.params[L.bias]);
  const edges = rankedEdges(model, layer)
    .filter((e) => e.magnitude > 0)
    .sort((a, b) => a.input - b.input || a.output - b.output)
    .map((e) => ({ input: e.input, output: e.output, coefficients: edgeCoefficients(model, e), expression: edgeExpression(model, e, variable) }));
  return { layer, bases: model.spec.layers[layer].bases.map((b) => ({ name: b.name, expression: b.expression('u') })), pre: model.spec.layers[layer].pre, bias, edges };
}
