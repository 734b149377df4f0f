import * as mathjs from 'mathjs';
import type { CompiledBranchType } from '../symbolic/branch-type';
import { constant, substitute, type Node } from '../symbolic/tree';

/**
 * One fixed basis function φ of a KAN layer, evaluated over a whole batch of input values at once.
 * `phi[k] = φ(x[k])`; when `slope` is given, `slope[k] = dφ/dx(x[k])` (for the input gradient of layers
 * after the first). Nothing is learned inside a basis: KANalogue's bases are fixed device curves.
 */
export interface KanBasis {
  /** The config's name for it (a branch type id, `identity`, `relu`). */
  readonly name: string;
  evaluate(x: Float64Array, count: number, phi: Float64Array, slope: Float64Array | null): void;
  /** The basis as a closed-form expression in `x` (mathjs syntax), for edge export and SPICE. */
  expression(variable: string): string;
}

/**
 * How a device's I-V curve becomes a basis (KANalogue's normalisation, V → s·V/V_max, I → I/I_max):
 * the input x is clamped to [inputLow, inputHigh] (flat extrapolation, as KANalogue's spline bases), mapped
 * linearly onto the device voltages [voltageLow, voltageHigh], and the current divided by `currentScale`.
 */
export interface DeviceBasisScaling {
  readonly inputLow: number;
  readonly inputHigh: number;
  readonly voltageLow: number;
  readonly voltageHigh: number;
  /** Default: max |I| over the voltage range (1001 points), so the basis spans [−1, 1] at most. */
  readonly currentScale?: number;
}

export interface DeviceBasis extends KanBasis {
  readonly type: CompiledBranchType;
  /** The device's parameters θ (its defaults unless given), fixed. */
  readonly theta: Float64Array;
  readonly scaling: Required<DeviceBasisScaling>;
  /** The device voltage an input maps to (clamped). */
  voltageOf(x: number): number;
}

/**
 * A device branch type as a basis, evaluated through its compiled fused `partials` kernel: one element
 * (source = the drive voltage, destination = ground) streamed over every input value, giving I and
 * ∂I/∂v_s in one pass.
 */
export function deviceBasis(type: CompiledBranchType, scaling: DeviceBasisScaling, theta?: ArrayLike<number>): DeviceBasis {
  const P = type.paramNames.length;
  const params = Float64Array.from(theta ?? defaultTheta(type));
  if (params.length !== P) throw new RangeError(`basis ${type.definition.name}: ${params.length} parameter values for ${P} parameters`);
  const { inputLow, inputHigh, voltageLow, voltageHigh } = scaling;
  const gain = (voltageHigh - voltageLow) / (inputHigh - inputLow);
  const conn = [Int32Array.of(1), Int32Array.of(0)];
  let capacity = 0;
  let voltages = new Float64Array(0);
  let currents: Float64Array[] = [];
  let dV: Float64Array[] = [];
  let dTheta: Float64Array[] = [];
  const grow = (n: number) => {
    if (n <= capacity) return;
    capacity = Math.max(n, 2 * capacity);
    voltages = new Float64Array(2 * capacity);
    currents = [new Float64Array(capacity)];
    dV = [new Float64Array(capacity), new Float64Array(capacity)];
    dTheta = Array.from({ length: P }, () => new Float64Array(capacity));
  };
  const voltageOf = (x: number) => voltageLow + (Math.min(inputHigh, Math.max(inputLow, x)) - inputLow) * gain;
  /** Raw device currents and ∂I/∂V at `count` inputs, in scratch arrays reused across calls. */
  const raw = (x: ArrayLike<number>, count: number): { I: Float64Array; dIdV: Float64Array } => {
    grow(count);
    // The kernel reads node n, sample b at n·B + b: row 0 is ground, row 1 the drive voltages.
    voltages.fill(0, 0, count);
    for (let k = 0; k < count; k++) voltages[count + k] = voltageOf(x[k]);
    type.law.kernels.partials(0, 1, count, conn, params, 1, voltages, currents, dV, dTheta);
    return { I: currents[0], dIdV: dV[0] };
  };
  const currentScale = scaling.currentScale ?? maxAbsCurrent(raw, inputLow, inputHigh);
  if (!(currentScale > 0) || !Number.isFinite(currentScale)) {
    throw new RangeError(`basis ${type.definition.name}: the current scale must be positive and finite, got ${currentScale}`);
  }
  const resolved = { inputLow, inputHigh, voltageLow, voltageHigh, currentScale };
  return {
    name: type.definition.name,
    type,
    theta: params,
    scaling: resolved,
    voltageOf,
    evaluate(x, count, phi, slope) {
      const { I, dIdV } = raw(x, count);
      for (let k = 0; k < count; k++) phi[k] = I[k] / currentScale;
      if (!slope) return;
      const inner = gain / currentScale;
      // Outside the clamp the basis is flat: zero slope, as the clamped spline bases of the reference.
      for (let k = 0; k < count; k++) slope[k] = x[k] > inputLow && x[k] < inputHigh ? dIdV[k] * inner : 0;
    },
    expression(variable) {
      const voltage = `(${voltageLow} + (min(${inputHigh}, max(${inputLow}, ${variable})) - ${inputLow}) * ${gain})`;
      return `(${closedForm(type, params, voltage)}) / ${currentScale}`;
    },
  };
}

function defaultTheta(type: CompiledBranchType): number[] {
  return type.definition.meta.params.map((p) => {
    const init = p.init ?? type.definition.meta.init;
    if (typeof init === 'number') return init;
    if (init === 'zeros') return 0;
    if (init === 'ones') return 1;
    throw new RangeError(`basis ${type.definition.name}: parameter ${p.name} has no fixed default (init ${JSON.stringify(init)}); give theta explicitly`);
  });
}

function maxAbsCurrent(raw: (x: ArrayLike<number>, count: number) => { I: Float64Array }, low: number, high: number): number {
  const n = 1001;
  const grid = Float64Array.from({ length: n }, (_, k) => low + ((high - low) * k) / (n - 1));
  const { I } = raw(grid, n);
  let max = 0;
  for (let k = 0; k < n; k++) max = Math.max(max, Math.abs(I[k]));
  return max;
}

/** The device's parsed current law with vs = the drive voltage, vd = 0 and θ as numbers, printed by mathjs. */
function closedForm(type: CompiledBranchType, theta: Float64Array, voltage: string): string {
  const bindings = new Map<string, Node>([
    ['vs', mathjs.parse(voltage)],
    ['vd', constant(0)],
  ]);
  type.paramNames.forEach((name, k) => bindings.set(name, constant(theta[k])));
  return substitute(type.law.currentTrees[0], bindings).toString();
}

/** Input-side functions that are not devices: the MLP baseline's identity (first layer) and ReLU. */
export function functionBasis(name: 'identity' | 'relu'): KanBasis {
  return name === 'identity'
    ? {
        name,
        evaluate(x, count, phi, slope) {
          for (let k = 0; k < count; k++) phi[k] = x[k];
          if (slope) slope.fill(1, 0, count);
        },
        expression: (v) => v,
      }
    : {
        name,
        evaluate(x, count, phi, slope) {
          for (let k = 0; k < count; k++) phi[k] = x[k] > 0 ? x[k] : 0;
          if (slope) for (let k = 0; k < count; k++) slope[k] = x[k] > 0 ? 1 : 0;
        },
        expression: (v) => `max(${v}, 0)`,
      };
}
