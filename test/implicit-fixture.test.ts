import { describe, expect, it } from 'vitest';
import {
  backsolve,
  checkpointed,
  createCircuit,
  createModel,
  KclDynamics,
  modelGradient,
  Registry,
  resolveSolverConfig,
  simulateModel,
  solve,
  SOLVER,
  STEP_CONTROLLER,
  type AdjointMethod,
  type Circuit,
  type SolverConfig,
} from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { ladderStart, rcLadder } from '../scripts/bench/stiff';
import { readFixtureJson, toNodeMajor, type TinyCircuitFixture } from './support/fixtures';
import { builtinContainer, catalogOf, setupOf, unwrap } from './support/kirchhoff-context';

/**
 * The implicit solvers on circuits, through configs as users name them: the original's 6-node fixture
 * circuit (non-stiff), an RC ladder (stiff), and gradients through the adjoint with an implicit backward solve.
 */
const container = builtinContainer();
const catalog = catalogOf(container);
const fx = readFixtureJson<TinyCircuitFixture>('tiny_circuit_all_devices.json');
const B = fx.x0.length;
const N = fx.num_nonground_nodes;
const x0 = toNodeMajor(fx.x0, N);
const IMPLICIT = ['backward-euler', 'trapezoidal', 'bdf2', 'tr-bdf2'] as const;
const ASKED: Record<string, number> = { 'backward-euler': 1e-4, trapezoidal: 1e-7, bdf2: 1e-7, 'tr-bdf2': 1e-7 };

const fixtureCircuit = (device: string): Circuit =>
  unwrap(
    createCircuit({
      numNodes: N,
      groups: [
        {
          type: catalog.require(device),
          src: fx.topology_src_des.map((e) => e[0]),
          dst: fx.topology_src_des.map((e) => e[1]),
          params: fx.devices[device].param_rows_by_edge.flat(),
        },
      ],
    }),
  );
const run = (dynamics: KclDynamics, config: SolverConfig, t1: number, y0: Float64Array, saveAt?: number[]) => {
  const setup = setupOf(container, { maxSteps: 1e6, ...config });
  return solve(dynamics, setup.solver, { ...setup.options, t0: 0, t1, y0, ...(saveAt && { saveAt }) });
};
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

describe('the fixture circuit (6 nodes, B = 3)', () => {
  /**
   * Step controllers bound each step's error (RMS over the state ≤ tol), not the global one: on this
   * dissipative circuit the end state is within steps·tol·√n of the exact one, which Dormand–Prince meets
   * too (at most 0.9 of it on the tanh devices). Kinks break the per-step estimates of every method
   * (Dormand–Prince exceeds the bound up to 40×): the ReLU family gets 10×.
   */
  describe.each(Object.keys(fx.devices))('%s', (device) => {
    const dynamics = new KclDynamics(fixtureCircuit(device), B);
    const reference = run(dynamics, { name: 'dopri5', rtol: 1e-12, atol: 1e-12 }, 1, x0, [0.5, 1]);
    const allowance = device.includes('Relu') ? 10 : 1;

    it.each(IMPLICIT)('%s agrees with Dormand–Prince within the tolerance it was asked for, over its steps', (name) => {
      const tol = ASKED[name];
      const solution = run(dynamics, { name, rtol: tol, atol: tol }, 1, x0, [0.5, 1]);
      const error = Math.max(maxAbs(solution.ys[0], reference.ys[0]), maxAbs(solution.ys[1], reference.ys[1]));
      const bound = allowance * tol * solution.stats.acceptedSteps * Math.sqrt(dynamics.size);
      expect(error, `error ${error.toExponential(2)} after ${solution.stats.acceptedSteps} steps`).toBeLessThanOrEqual(bound);
    });
  });

  it('gives empirical orders 1 (backward Euler) and 2 (trapezoidal, BDF2, TR-BDF2) on the smooth ShiftTanh1 circuit (±0.2)', () => {
    const dynamics = new KclDynamics(fixtureCircuit('ShiftTanh1'), B);
    const reference = run(dynamics, { name: 'odex', rtol: 1e-13, atol: 1e-13 }, 1, x0).yFinal;
    const order = (name: string, steps: number[]) => {
      const points = steps.map((n) => [Math.log(1 / n), Math.log(maxAbs(run(dynamics, { name, controller: 'constant', dt0: 1 / n }, 1, x0).yFinal, reference))]);
      const mx = points.reduce((s, p) => s + p[0], 0) / points.length;
      const my = points.reduce((s, p) => s + p[1], 0) / points.length;
      return points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
    };
    expect(Math.abs(order('backward-euler', [50, 100, 200, 400]) - 1)).toBeLessThanOrEqual(0.2);
    for (const name of ['trapezoidal', 'bdf2', 'tr-bdf2']) expect(Math.abs(order(name, [20, 40, 80, 160]) - 2), name).toBeLessThanOrEqual(0.2);
  });
});

describe('a stiff RC ladder (30 nodes, conductances 1e4 … 1e-3 S, t ∈ [0, 10])', () => {
  const dynamics = new KclDynamics(rcLadder(catalog.require('conductance'), 30), 2);
  const y0 = ladderStart(dynamics.size);
  const T = 10;
  const reference = run(dynamics, { name: 'tr-bdf2', rtol: 1e-12, atol: 1e-12 }, T, y0).yFinal;
  const attempts = (config: SolverConfig) => {
    const solution = run(dynamics, config, T, y0);
    return { steps: solution.stats.acceptedSteps + solution.stats.rejectedSteps, error: maxAbs(solution.yFinal, reference) };
  };

  it('takes far fewer steps with the implicit solvers than with Dormand–Prince, at the same accuracy', () => {
    // Dormand–Prince is held to its stability limit whatever the tolerance: ~72 000 steps.
    const loose = attempts({ name: 'dopri5', rtol: 1e-3, atol: 1e-3 });
    const tight = attempts({ name: 'dopri5', rtol: 1e-6, atol: 1e-6 });
    expect(loose.steps).toBeGreaterThan(50_000);
    const atLoose = { 'backward-euler': 1e-4, trapezoidal: 1e-3, bdf2: 1e-3, 'tr-bdf2': 1e-3 };
    for (const name of IMPLICIT) {
      const r = attempts({ name, rtol: atLoose[name], atol: atLoose[name] });
      expect(r.error, name).toBeLessThanOrEqual(loose.error);
      expect(r.steps * 100, name).toBeLessThan(loose.steps);
    }
    // Backward Euler cannot reach ~3e-6 in fewer steps; the second-order methods can, 20× and more.
    for (const name of ['trapezoidal', 'bdf2', 'tr-bdf2']) {
      const r = attempts({ name, rtol: 1e-8, atol: 1e-8 });
      expect(r.error, name).toBeLessThanOrEqual(tight.error);
      expect(r.steps * 20, name).toBeLessThan(tight.steps);
    }
  });

  it('solves the same steps with GMRES as with dense LU', () => {
    for (const name of ['bdf2', 'tr-bdf2']) {
      const dense = run(dynamics, { name, rtol: 1e-6, atol: 1e-6 }, T, y0);
      const krylov = run(dynamics, { name, rtol: 1e-6, atol: 1e-6, options: { denseLimit: 0 } }, T, y0);
      expect(krylov.stats.acceptedSteps, name).toBe(dense.stats.acceptedSteps);
      expect(maxAbs(krylov.yFinal, dense.yFinal), name).toBeLessThan(1e-8);
    }
  });
});

describe('selection by name in every config that takes a solver', () => {
  const solvers = new Registry('solver', container.resolveAll(SOLVER));
  const controllers = new Registry('step controller', container.resolveAll(STEP_CONTROLLER));

  it('resolves each implicit solver and its aliases, with its options and the PI controller by default', () => {
    for (const name of [...IMPLICIT, 'implicit-euler', 'gear2', 'crank-nicolson', 'trbdf2']) {
      const setup = resolveSolverConfig({ name, rtol: 1e-6, atol: 1e-6, options: { denseLimit: 0, newtonMaxIterations: 5 } }, solvers, controllers);
      expect(E.isRight(setup), name).toBe(true);
      if (E.isRight(setup)) expect(setup.right.options.controller?.controller.name).toBe('pi');
    }
    const bad = resolveSolverConfig({ name: 'bdf2', options: { linearSolver: 1, denseLimit: -1 } }, solvers, controllers);
    expect(E.isLeft(bad) && bad.left.map((i) => i.code).sort()).toEqual(['invalid-option', 'unknown-option']);
  });

  it('simulates a two-slice model with an implicit solver', () => {
    const circuit = fixtureCircuit('ShiftTanh2');
    const model = unwrap(createModel([{ duration: 0.5, circuit }, { duration: 0.5, circuit }]));
    const simulate = (config: SolverConfig) => simulateModel({ model, input: x0, batch: B, setup: setupOf(container, config) }).final;
    expect(maxAbs(simulate({ name: 'bdf2', rtol: 1e-9, atol: 1e-9 }), simulate({ name: 'dopri5', rtol: 1e-12, atol: 1e-12 }))).toBeLessThan(1e-6);
  });

  describe('gradients with an implicit backward solve', () => {
    const model = unwrap(createModel([{ duration: 1, circuit: fixtureCircuit('ShiftTanh1') }]));
    const loss = (y: Float64Array, g: Float64Array) => y.reduce((s, v, i) => ((g[i] = 2 * v), s + v * v), 0);
    const gradient = (method: AdjointMethod, forward: SolverConfig, backward: SolverConfig) =>
      modelGradient({ model, input: x0, batch: B, method, forward: setupOf(container, forward), backward: setupOf(container, backward), loss });
    const dp = { name: 'dopri5', rtol: 1e-11, atol: 1e-11 };
    const expected = gradient(checkpointed, dp, dp);
    const relative = (a: Float64Array, b: Float64Array) => maxAbs(a, b) / Math.max(...Array.from(b, Math.abs));

    it.each([
      ['checkpointed', checkpointed, dp, { name: 'bdf2', rtol: 1e-10, atol: 1e-10 }],
      ['checkpointed, implicit both ways', checkpointed, { name: 'tr-bdf2', rtol: 1e-10, atol: 1e-10 }, { name: 'trapezoidal', rtol: 1e-10, atol: 1e-10 }],
      ['backsolve (fixed-point iteration: its augmented term has no exact Jacobian)', backsolve, dp, { name: 'tr-bdf2', rtol: 1e-10, atol: 1e-10 }],
    ] as const)('%s agrees with Dormand–Prince both ways', (_label, method, forward, backward) => {
      const result = gradient(method, forward, backward);
      expect(relative(result.paramGradients[0][0], expected.paramGradients[0][0])).toBeLessThan(1e-5);
      expect(relative(result.inputGradient, expected.inputGradient)).toBeLessThan(1e-5);
    });

    it('takes few backward steps through a stiff ladder: Newton, on the adjoint term’s exact Jacobian', () => {
      const ladder = unwrap(createModel([{ duration: 1, circuit: rcLadder(catalog.require('conductance'), 10) }]));
      const input = ladderStart(10);
      const backwardSteps = (backward: SolverConfig) =>
        modelGradient({ model: ladder, input, batch: 1, method: checkpointed, forward: setupOf(container, { name: 'bdf2', rtol: 1e-6, atol: 1e-6 }), backward: setupOf(container, backward), loss })
          .backwardStats[0];
      // The checkpointed adjoint restarts its solve on every forward step (~200 here), so even an implicit
      // solver takes a couple of steps per segment; Dormand–Prince's are held to its stability limit.
      const implicit = backwardSteps({ name: 'bdf2', rtol: 1e-6, atol: 1e-6 });
      const explicit = backwardSteps({ name: 'dopri5', rtol: 1e-6, atol: 1e-6, maxSteps: 1e6 });
      expect(implicit.acceptedSteps * 5).toBeLessThan(explicit.acceptedSteps);
    });
  });
});
