import type { Rng } from '../random/rng';
import type { TrainableModel } from '../train/trainable-model';
import type { KanBasis } from './basis';
import { contractBackward, contractForward } from './contraction';
import { batchNormBackward, batchNormForward, layerNormBackward, layerNormForward, newNormCache, type NormCache, type NormKind } from './norm';
import { applyPre, type PreFunction } from './pre';

/**
 * One layer: y_o = Σ_i Σ_d c[i,d,o]·φ_d(pre(x_i)) + b_o. Coefficients are stored as an (n_in·D) × n_out
 * matrix, row r = i·D + d: the crossbar's rows (one per device) by its columns (one per summing node).
 */
export interface KanLayerSpec {
  readonly bases: readonly KanBasis[];
  readonly pre: PreFunction;
}

/**
 * Coefficient initialisation: `kan` is KANalogue's c ~ N(0, σ²) with σ = 1/(n_in·D) and zero bias;
 * `torch-linear` is PyTorch's nn.Linear default, U(±1/√fan_in) for weights and bias (the MLP baseline's).
 */
export type KanInit = 'kan' | 'torch-linear' | { readonly std: number };

export interface KanSpec {
  /** Feature counts, input first: [196, 64, 10]. */
  readonly widths: readonly number[];
  /** One per layer (widths.length − 1). */
  readonly layers: readonly KanLayerSpec[];
  /** Between layers, never after the last. */
  readonly norm: NormKind;
  readonly init: KanInit;
}

/** Where a layer's tensors sit in `params`. */
export interface KanLayerParams {
  readonly nIn: number;
  readonly nOut: number;
  readonly D: number;
  readonly coefficients: number;
  readonly bias: number;
  /** Indices of γ, β (and BatchNorm's running mean and variance) of the norm after this layer. */
  readonly norm?: { readonly gamma: number; readonly beta: number; readonly runningMean?: number; readonly runningVar?: number };
}

export interface KanModel extends TrainableModel {
  readonly spec: KanSpec;
  readonly layout: readonly KanLayerParams[];
  /** Trainable entries (coefficients, biases, γ, β; not BatchNorm's running statistics). */
  readonly parameterCount: number;
  /** Forward pass of a batch of already-gathered rows (B × widths[0]) in evaluation or training mode. */
  forwardBatch(x: Float64Array, B: number, training: boolean, outputs: Float64Array): void;
}

interface LayerCache {
  /** pre(x), B × n_in. */
  xt: Float64Array;
  preSlope: Float64Array;
  /** Φ, B × R with R = n_in·D. */
  phi: Float64Array;
  /** dφ/dx̃ in Φ's layout; only for layers after the first. */
  slope: Float64Array;
  /** Layer output before the norm, B × n_out. */
  y: Float64Array;
  norm: NormCache;
  scratchIn: Float64Array;
  scratchPhi: Float64Array;
  scratchSlope: Float64Array;
}

const grow = (a: Float64Array, n: number) => (a.length >= n ? a : new Float64Array(n));

export function createKanModel(spec: KanSpec, rng: Rng): KanModel {
  const { widths, layers, norm } = spec;
  if (layers.length !== widths.length - 1) throw new RangeError(`${widths.length} widths need ${widths.length - 1} layers, got ${layers.length}`);
  const params: Float64Array[] = [];
  const masks: (Uint8Array | null)[] = [];
  const layout: KanLayerParams[] = [];
  const add = (values: Float64Array, trainable = true) => {
    params.push(values);
    masks.push(trainable ? null : new Uint8Array(values.length));
    return params.length - 1;
  };
  layers.forEach((layer, l) => {
    const nIn = widths[l];
    const nOut = widths[l + 1];
    const D = layer.bases.length;
    const coefficients = new Float64Array(nIn * D * nOut);
    const bias = new Float64Array(nOut);
    initialise(spec.init, nIn * D, coefficients, bias, rng);
    const entry: KanLayerParams = { nIn, nOut, D, coefficients: add(coefficients), bias: add(bias) };
    const last = l === layers.length - 1;
    if (last || norm === 'none') return void layout.push(entry);
    const gamma = add(new Float64Array(nOut).fill(1));
    const beta = add(new Float64Array(nOut));
    layout.push({
      ...entry,
      norm: norm === 'batch' ? { gamma, beta, runningMean: add(new Float64Array(nOut), false), runningVar: add(new Float64Array(nOut).fill(1), false) } : { gamma, beta },
    });
  });
  const parameterCount = params.reduce((n, p, k) => n + (masks[k] ? 0 : p.length), 0);
  const caches: LayerCache[] = layout.map(() => ({
    xt: new Float64Array(0), preSlope: new Float64Array(0), phi: new Float64Array(0), slope: new Float64Array(0),
    y: new Float64Array(0), norm: newNormCache(), scratchIn: new Float64Array(0), scratchPhi: new Float64Array(0), scratchSlope: new Float64Array(0),
  }));
  /** Inputs of each layer (index 0: the batch; l > 0: the previous layer's normalised output). */
  const activations: Float64Array[] = layout.map(() => new Float64Array(0));
  const outputWidth = widths[widths.length - 1];

  function forwardBatch(x: Float64Array, B: number, training: boolean, outputs: Float64Array): void {
    let input = x;
    layout.forEach((L, l) => {
      const c = caches[l];
      const { nIn, nOut, D } = L;
      const n = B * nIn;
      const R = nIn * D;
      const needSlopes = training && l > 0;
      c.xt = grow(c.xt, n);
      c.preSlope = grow(c.preSlope, n);
      c.phi = grow(c.phi, B * R);
      c.scratchPhi = grow(c.scratchPhi, n);
      if (needSlopes) {
        c.slope = grow(c.slope, B * R);
        c.scratchSlope = grow(c.scratchSlope, n);
      }
      applyPre(layers[l].pre, input, n, c.xt, needSlopes ? c.preSlope : null);
      layers[l].bases.forEach((basis, d) => {
        basis.evaluate(c.xt, n, c.scratchPhi, needSlopes ? c.scratchSlope : null);
        // Sample b, input i is entry k = b·n_in + i; its row in Φ is k·D + d.
        for (let k = 0; k < n; k++) c.phi[k * D + d] = c.scratchPhi[k];
        if (needSlopes) for (let k = 0; k < n; k++) c.slope[k * D + d] = c.scratchSlope[k];
      });
      const last = l === layout.length - 1;
      const y = last ? outputs : (c.y = grow(c.y, B * nOut));
      contractForward(c.phi, B, R, params[L.coefficients], params[L.bias], nOut, y);
      if (last) return;
      const next = (activations[l + 1] = grow(activations[l + 1], B * nOut));
      if (!L.norm) next.set(y.subarray(0, B * nOut));
      else if (L.norm.runningMean === undefined) layerNormForward(y, B, nOut, params[L.norm.gamma], params[L.norm.beta], next, c.norm);
      else batchNormForward(y, B, nOut, params[L.norm.gamma], params[L.norm.beta], params[L.norm.runningMean], params[L.norm.runningVar!], training, next, c.norm);
      input = next;
    });
  }

  /** Backward from ∂L/∂outputs after a training-mode forwardBatch of B samples. */
  function backward(B: number, gradOutputs: Float64Array, grads: Float64Array[]): void {
    for (const g of grads) g.fill(0);
    let gY = gradOutputs;
    for (let l = layout.length - 1; l >= 0; l--) {
      const L = layout[l];
      const c = caches[l];
      const { nIn, nOut, D } = L;
      const R = nIn * D;
      const gPhi = l > 0 ? grow(c.scratchIn, B * R) : null;
      if (gPhi) c.scratchIn = gPhi;
      contractBackward(c.phi, B, R, params[L.coefficients], nOut, gY, grads[L.coefficients], grads[L.bias], gPhi);
      if (!gPhi) break;
      // Through the bases and the pre-function to this layer's input: the previous layer's normalised output.
      const prev = layout[l - 1];
      const pc = caches[l - 1];
      const gInput = new Float64Array(B * nIn);
      for (let k = 0; k < B * nIn; k++) {
        let acc = 0;
        for (let d = 0; d < D; d++) acc += gPhi[k * D + d] * c.slope[k * D + d];
        gInput[k] = acc * c.preSlope[k];
      }
      if (!prev.norm) gY = gInput;
      else {
        const gPrev = new Float64Array(B * nIn);
        const args = [gInput, B, nIn, params[prev.norm.gamma], pc.norm, gPrev, grads[prev.norm.gamma], grads[prev.norm.beta]] as const;
        if (prev.norm.runningMean === undefined) layerNormBackward(...args);
        else batchNormBackward(...args);
        gY = gPrev;
      }
    }
  }

  const gather = (features: Float64Array, inputDim: number, rows: ArrayLike<number>) => {
    const x = new Float64Array(rows.length * inputDim);
    for (let b = 0; b < rows.length; b++) x.set(features.subarray(rows[b] * inputDim, (rows[b] + 1) * inputDim), b * inputDim);
    return x;
  };

  return {
    spec,
    layout,
    params,
    masks,
    parameterCount,
    outputWidth,
    forwardBatch,
    predict(features, inputDim, rows, outputs) {
      forwardBatch(gather(features, inputDim, rows), rows.length, false, outputs);
      return { nfe: 0 };
    },
    gradient(features, inputDim, rows, lossAt, grads) {
      const B = rows.length;
      const outputs = new Float64Array(B * outputWidth);
      const gradOutputs = new Float64Array(B * outputWidth);
      forwardBatch(gather(features, inputDim, rows), B, true, outputs);
      const loss = lossAt(outputs, gradOutputs);
      backward(B, gradOutputs, grads);
      return { loss, nfeForward: 0, nfeBackward: 0 };
    },
  };
}

function initialise(init: KanInit, fanIn: number, coefficients: Float64Array, bias: Float64Array, rng: Rng): void {
  if (init === 'torch-linear') {
    const bound = 1 / Math.sqrt(fanIn);
    for (let k = 0; k < coefficients.length; k++) coefficients[k] = bound * (2 * rng.uniform() - 1);
    for (let k = 0; k < bias.length; k++) bias[k] = bound * (2 * rng.uniform() - 1);
    return;
  }
  const std = init === 'kan' ? 1 / fanIn : init.std;
  for (let k = 0; k < coefficients.length; k++) coefficients[k] = std * rng.normal();
}
