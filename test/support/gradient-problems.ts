import {
  createCircuit,
  createModel,
  KclDynamics,
  modelGradient,
  Rng,
  simulateModel,
  sliceBoundaries,
  solve,
  type AdjointMethod,
  type Model,
  type SolverSetup,
} from '@kirchhoff/core';
import { randomEdges } from '@kirchhoff/core/testing';
import { branchFamilies, branchTypes } from '@kirchhoff/branches';
import { builtinContainer, catalogOf, setupOf, unwrap } from './kirchhoff-context';

/**
 * Gradient problems shared by test/gradient-check.test.ts and `pnpm bench gradients`: a random two-slice
 * circuit per branch type (so gradients cross a slice boundary), the loss, finite differences, and a replay
 * of a recorded step sequence for checking the discrete adjoint.
 */
export const container = builtinContainer();
const catalog = catalogOf(container);
export const B = 2;
const N = 4;
const target = Float64Array.from({ length: N * B }, (_, i) => Math.sin(i));
export const loss = (y: Float64Array, grad: Float64Array | null) => {
  let sum = 0;
  y.forEach((v, i) => {
    sum += (v - target[i]) ** 2;
    if (grad) grad[i] = 2 * (v - target[i]);
  });
  return sum;
};

/**
 * Operating points where a law does something measurable and stays well-posed on [0, 1]: a diode with
 * is = 1e-12 A passes ~1e-11 A at these voltages (a gradient below rounding), so it gets is = 1 mA; a
 * polynomial with large positive cubic coefficients blows up in finite time, so it gets small ones.
 */
const operatingPoints: Record<string, { params?: number[]; paramScale?: number; inputScale?: number }> = {
  'shockley-diode': { params: [1e-3, 1, 0.025852], inputScale: 0.1 },
  // The tunnel diode's diode term e^{V/vt} is stiff beyond a few tenths of a volt.
  'tunnel-diode': { inputScale: 0.05 },
  'polynomial-3': { paramScale: 0.1, inputScale: 0.3 },
};

export function randomModel(typeRef: string | { family: string }, seed: number): { model: Model; input: Float64Array } {
  const rng = new Rng(seed);
  const type = catalog.require(typeRef);
  const point = operatingPoints[type.definition.name] ?? {};
  const slices = [0.6, 0.4].map((duration) => {
    const edges = 8;
    const { src, dst } = randomEdges(rng, N, edges);
    const params = type.definition.meta.params.flatMap((p, k) =>
      Array.from({ length: edges }, () => {
        const centre = point.params?.[k] ?? (typeof p.init === 'number' ? p.init : undefined);
        return centre !== undefined ? centre * (1 + 0.1 * rng.normal()) : (point.paramScale ?? 0.7) * rng.normal();
      }),
    );
    return { duration, circuit: unwrap(createCircuit({ numNodes: N, capacitance: [1, 0.5, 2, 1], groups: [{ type, src, dst, params }] })) };
  });
  const scale = point.inputScale ?? 1;
  return { model: unwrap(createModel(slices)), input: Float64Array.from({ length: N * B }, () => scale * rng.normal()) };
}

/** All parameters and inputs as one list of (get, set) handles. */
function handles(model: Model, input: Float64Array) {
  const list: { array: Float64Array; index: number }[] = [];
  model.slices.forEach((s) => s.circuit.groups.forEach((g) => g.params.forEach((_, i) => list.push({ array: g.params, index: i }))));
  input.forEach((_, i) => list.push({ array: input, index: i }));
  return list;
}

export function finiteDifferences(model: Model, input: Float64Array, evaluate: () => number): number[] {
  return handles(model, input).map(({ array, index }) => {
    const saved = array[index];
    // A relative step: the diode's exp(Δ/(n·vt)) has large higher derivatives in vt.
    const h = 1e-6 * Math.max(Math.abs(saved), 1e-2);
    array[index] = saved + h;
    const up = evaluate();
    array[index] = saved - h;
    const down = evaluate();
    array[index] = saved;
    return (up - down) / (2 * h);
  });
}

export const flatten = (grads: Float64Array[][], inputGradient: Float64Array) => [...grads.flatMap((s) => s.flatMap((g) => Array.from(g))), ...inputGradient];
export const relativeError = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i]))) / Math.max(...b.map(Math.abs));

/** The loss through exactly the given steps of each slice (dense readout at a slice end inside a step). */
export function replay(model: Model, input: Float64Array, setup: SolverSetup, steps: [number, number][][]): number {
  let y = input;
  const spans = sliceBoundaries(model);
  model.slices.forEach((slice, i) => {
    const term = new KclDynamics(slice.circuit, B);
    let state = setup.solver.init(term, steps[i][0][0], y, { options: {} });
    let current = y;
    for (const [t0, t1] of steps[i]) {
      const result = setup.solver.step(term, t0, t1, current, state);
      const out = new Float64Array(current.length);
      if (t1 >= spans[i].t1 && t1 !== spans[i].t1) result.dense!.evaluate(spans[i].t1, out);
      else out.set(result.y1);
      current = out;
      state = result.state;
    }
    y = current;
  });
  return loss(y, null);
}


export const allTypeRefs = [...branchTypes.map((t) => t.name), ...branchFamilies.map((f) => ({ family: f.name }))];
export const refName = (ref: string | { family: string }) => (typeof ref === 'string' ? ref : ref.family);

/** Relative gradient error of a continuous method against finite differences at tight tolerance. */
export function continuousError(ref: string | { family: string }, method: AdjointMethod): number {
  const { model, input } = randomModel(ref, 11);
  const tight = setupOf(container, { name: 'dopri5', rtol: 1e-11, atol: 1e-11 });
  const result = modelGradient({ model, input, batch: B, method, forward: tight, loss });
  const reference = setupOf(container, { name: 'dopri5', rtol: 1e-12, atol: 1e-12 });
  const fd = finiteDifferences(model, input, () => loss(simulateModel({ model, input, batch: B, setup: reference }).final, null));
  return relativeError(flatten(result.paramGradients, result.inputGradient), fd);
}

/** Relative error of the discrete adjoint against finite differences over the same recorded steps. */
export function discreteError(ref: string | { family: string }, method: AdjointMethod): { error: number; steps: number } {
  const { model, input } = randomModel(ref, 12);
  const setup = setupOf(container, { name: 'dopri5', rtol: 1e-4, atol: 1e-4 });
  const result = modelGradient({ model, input, batch: B, method, forward: setup, loss });
  const steps: [number, number][][] = [];
  let y = input;
  sliceBoundaries(model).forEach((span, i) => {
    const sliceSteps: [number, number][] = [];
    const term = new KclDynamics(model.slices[i].circuit, B);
    y = solve(term, setup.solver, { ...setup.options, t0: span.t0, t1: span.t1, y0: y, onStep: (s) => sliceSteps.push([s.t0, s.t1]) }).yFinal;
    steps.push(sliceSteps);
  });
  const fd = finiteDifferences(model, input, () => replay(model, input, setup, steps));
  return { error: relativeError(flatten(result.paramGradients, result.inputGradient), fd), steps: steps.flat().length };
}
