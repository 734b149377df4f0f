import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import {
  cosimulate,
  createCircuit,
  createModel,
  encodeInputs,
  KirchhoffError,
  Rng,
  train,
  translateBranchType,
  type BranchType,
  type CompiledBranchType,
  type CosimResult,
} from '@kirchhoff/core';
import { describeWithNgspice } from '@kirchhoff/core/testing';
import { builtinContainer, catalogOf, setupOf, unwrap } from './support/kirchhoff-context';
import { twoMoonsTraining } from './support/two-moons-network';

/**
 * ngspice against Kirchhoff on small circuits: every registered branch type SPICE can express, and a
 * two-moons KirchhoffNet trained here. Agreement: |v_ngspice − v_kirchhoff| ≤ max(1e-4·|v|, 1e-6 V) at
 * every slice end, Kirchhoff's dopri5 at 1e-10 and ngspice at reltol 1e-6 with a step of at most
 * duration/5000 (trapezoidal rule: its error falls as the square of the step).
 */
const container = builtinContainer();
const catalog = catalogOf(container);
const setup = setupOf(container, { name: 'dopri5', rtol: 1e-10, atol: 1e-10 });
const transient = { maxStep: 1 / 5000 };

/** Input voltages where each device's exponentials stay tame (the others: uniform in [−1, 1]). */
const INPUT_RANGE: Readonly<Record<string, readonly [number, number]>> = {
  'shockley-diode': [0, 0.3],
  'tunnel-diode': [0, 0.5],
  'schulman-rtd': [0, 3],
};

/** Numeric inits as given (device constants), the rest N(0, 0.7). */
function drawParams(type: CompiledBranchType, edges: number, rng: Rng): number[] {
  return type.definition.meta.params.flatMap((p) => Array.from({ length: edges }, () => (typeof p.init === 'number' ? p.init * (1 + 0.1 * rng.normal()) : 0.7 * rng.normal())));
}

/**
 * A 4-node circuit of 10 random branches (some to ground) whose node capacitance follows the law's
 * conductance, so that voltages move over the slice, but stay bounded, whatever the device's current scale.
 */
function randomModel(type: CompiledBranchType, seed: number) {
  const rng = new Rng(seed);
  const N = 4;
  const E_ = 10;
  const src: number[] = [];
  const dst: number[] = [];
  for (let e = 0; e < E_; e++) {
    const s = rng.below(N + 1);
    let d = rng.below(N + 1);
    while (d === s) d = rng.below(N + 1);
    src.push(s);
    dst.push(d);
  }
  const params = drawParams(type, E_, rng);
  const [lo, hi] = INPUT_RANGE[type.definition.name] ?? [-1, 1];
  const input = Array.from({ length: N }, () => lo + (hi - lo) * rng.uniform());
  // Capacitance: the law's median conductance, so that voltages move, but at least three times its
  // largest negative (self-exciting) conductance, −∂I/∂vs or +∂I/∂vd, so that no node runs away within the slice.
  const conductances: number[] = [];
  let exciting = 0;
  for (let k = 0; k < 40; k++) {
    const e = rng.below(E_);
    const theta = type.paramNames.map((_, j) => params[j * E_ + e]);
    const at = type.law.evaluateAt([lo + (hi - lo) * rng.uniform(), lo + (hi - lo) * rng.uniform()], theta);
    conductances.push(Math.abs(at.dV[0]) + Math.abs(at.dV[1]));
    exciting = Math.max(exciting, Math.max(0, -at.dV[0]) + Math.max(0, at.dV[1]));
  }
  conductances.sort((a, b) => a - b);
  const capacitance = Math.max(conductances[20], 3 * exciting, 1e-9);
  const circuit = unwrap(createCircuit({ numNodes: N, capacitance, groups: [{ type, src, dst, params }] }));
  return { model: unwrap(createModel([{ duration: 1, circuit }])), input };
}

function expressible(type: CompiledBranchType): boolean {
  try {
    translateBranchType(type, catalog.functions);
    return true;
  } catch (err) {
    if (err instanceof KirchhoffError && err.code === 'spice-unsupported-function') return false;
    throw err;
  }
}

const types: CompiledBranchType[] = [
  ...catalog.types.list().map((t: BranchType) => catalog.require(t.name)),
  ...catalog.families.list().map((f) => catalog.require({ family: f.name })),
];

describeWithNgspice('SPICE co-simulation (ngspice against Kirchhoff)', () => {
  it('agrees on a random circuit of every registered branch type SPICE can express', async () => {
    const worst: { type: string; error: number }[] = [];
    for (const [i, type] of types.entries()) {
      expect(expressible(type), `${type.definition.name} is expressible`).toBe(true);
      const { model, input } = randomModel(type, 100 + i);
      const result = await cosimulate({ model, input, setup, functions: catalog.functions, transient });
      worst.push({ type: type.definition.name, error: result.worst.maxRelError });
      expect(result.passed, `${type.definition.name}: relative ${result.worst.maxRelError} at node ${result.worst.worstNode}`).toBe(true);
      // The voltages really moved: the check is not comparing constants.
      const moved = Math.max(...result.slices[0].kirchhoff.map((v, n) => Math.abs(v - input[n])));
      expect(moved, `${type.definition.name}: largest voltage change`).toBeGreaterThan(1e-2);
    }
    console.log(`ngspice vs Kirchhoff, worst relative error per branch type: ${worst.map((w) => `${w.type} ${w.error.toExponential(1)}`).join(', ')}`);
  });

  describe('a two-moons KirchhoffNet trained here (two slices)', () => {
    let trained: Awaited<ReturnType<typeof twoMoonsTraining>> | undefined;
    const network = async () => {
      if (!trained) {
        trained = await twoMoonsTraining(mkdtempSync(join(tmpdir(), 'kh-spice-')), { epochs: 2 });
        expect(train(trained).finalTestAccuracy).toBeGreaterThan(0.8);
      }
      return trained;
    };
    const inputOf = (options: Awaited<ReturnType<typeof twoMoonsTraining>>, row: number) => {
      const input = new Float64Array(options.network.model.numNodes);
      encodeInputs(options.network, options.test.inputs, options.test.inputDim, [row], input);
      return input;
    };

    it('agrees at both slice ends and reads out the same class on test samples', async () => {
      const options = await network();
      const { model, spec } = options.network;
      let worst = 0;
      for (const row of [0, 1, 2, 3]) {
        const result = await cosimulate({ model, input: inputOf(options, row), setup, functions: catalog.functions, transient, readoutNodes: spec.readoutNodes });
        expect(result.slices).toHaveLength(2);
        expect(result.passed, `sample ${row}: relative ${result.worst.maxRelError}`).toBe(true);
        const logits = (v: Float64Array) => spec.readoutNodes.map((n) => v[n - 1]);
        const argmax = (xs: number[]) => xs.indexOf(Math.max(...xs));
        expect(argmax(logits(result.slices[1].spice))).toBe(argmax(logits(result.slices[1].kirchhoff)));
        worst = Math.max(worst, result.worst.maxRelError);
      }
      console.log(`two moons, 4 test samples: worst relative error ${worst.toExponential(1)}`);
    });

    it('a physically scaled export (1 pF, 1 ns, 10 V per model volt) reaches the same voltages at the scaled readout time', async () => {
      const options = await network();
      const { model } = options.network;
      const input = inputOf(options, 5);
      const plain: CosimResult = await cosimulate({ model, input, setup, functions: catalog.functions, transient });
      const scaled = await cosimulate({ model, input, setup, functions: catalog.functions, transient, scaling: { capacitance: 1e-12, timeConstant: 1e-9, voltage: 10 } });
      expect(scaled.scaling.current).toBeCloseTo(1e-2, 15);
      expect(scaled.passed).toBe(true);
      // Both are in model units here; ngspice ran at t = 1 ns with 10× the voltages.
      scaled.slices.forEach((s, k) => s.spice.forEach((v, n) => expect(Math.abs(v - plain.slices[k].spice[n]), `slice ${k + 1} node ${n + 1}`).toBeLessThanOrEqual(1e-9)));
      expect(scaled.spiceReport.settling.map((s) => s.fraction)).toEqual(plain.spiceReport.settling.map((s) => expect.closeTo(s.fraction, 6)));
    });
  });
});

void E;
