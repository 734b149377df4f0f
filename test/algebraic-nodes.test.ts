import { fileURLToPath } from 'node:url';
import {
  backsolve,
  checkpointed,
  createCircuit,
  createModel,
  discrete,
  KclDynamics,
  KirchhoffError,
  operatingPoint,
  simulateModel,
  solve,
  stabilityAt,
  ValidationError,
  verifyAdjointTopology,
  type Circuit,
  type SolverConfig,
} from '@kirchhoff/core';
import { runCli, type CliIo } from '@kirchhoff/cli';
import { describe, expect, it } from 'vitest';
import { builtinContainer, catalogOf, setupOf, unwrap } from './support/kirchhoff-context';

/**
 * Circuits with nodes that have no capacitance (algebraic nodes, index-1 DAEs), checked against closed
 * forms and against the same circuits with a tiny capacitance instead.
 */
const container = builtinContainer();
const catalog = catalogOf(container);
const conductance = catalog.require('conductance');
const diode = catalog.require('shockley-diode');
const source = catalog.require({ family: 'polynomial', options: { degree: 1 } }); // c0 + c1·(vs − vd)
const IMPLICIT = ['backward-euler', 'trapezoidal', 'bdf2', 'tr-bdf2'];
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
const codeOf = (action: () => unknown): string => {
  try {
    action();
  } catch (error) {
    if (error instanceof KirchhoffError) return error.code;
    throw error;
  }
  throw new Error('expected an error, but none was thrown');
};

/**
 * Node 1 (capacitance C) — g1 — node 2 (none) — g2 — ground. Node 2 is a resistive divider of node 1,
 * v2 = g1/(g1 + g2)·v1, and node 1 discharges through g1 and g2 in series:
 *   v1(t) = v1(0)·exp(−t·g1·g2/((g1 + g2)·C)).
 */
const C = 2;
const g1 = 3;
const g2 = 1;
const rate = (g1 * g2) / ((g1 + g2) * C);
const divider = (c2: number): Circuit =>
  unwrap(createCircuit({ numNodes: 2, capacitance: [C, c2], groups: [{ type: conductance, src: [1, 2], dst: [2, 0], params: [g1, g2] }] }));
const dividerExact = (t: number, v10: readonly number[]) => {
  const v1 = v10.map((v) => v * Math.exp(-rate * t));
  return Float64Array.from([...v1, ...v1.map((v) => (g1 / (g1 + g2)) * v)]);
};

const run = (circuit: Circuit, config: SolverConfig, y0: Float64Array, t1: number, saveAt?: number[], batch = 2) => {
  const setup = setupOf(container, config);
  return solve(new KclDynamics(circuit, batch), setup.solver, { ...setup.options, t0: 0, t1, y0, ...(saveAt && { saveAt }) });
};

describe('an RC divider with an algebraic node (closed form)', () => {
  // Node-major, two samples; node 2's initial voltages (0 and 5) are inconsistent on purpose.
  const v10 = [1, -2];
  const y0 = Float64Array.from([...v10, 0, 5]);
  const saveAt = [0, 0.3, 1, 2.5, 4];

  it.each(IMPLICIT)('%s: corrects node 2 at t0, then follows the closed form within its tolerance (dense output too)', (name) => {
    const tol = 1e-8;
    const solution = run(divider(0), { name, rtol: tol, atol: tol }, y0, 4, saveAt);
    expect(maxAbs(solution.ys[0], dividerExact(0, v10))).toBeLessThan(1e-12);
    const errorPerTolerance = setupOf(container, { name }).solver.meta.tolerance.errorPerTolerance!;
    solution.ts.forEach((t, k) => expect(maxAbs(solution.ys[k], dividerExact(t, v10)), `t = ${t}`).toBeLessThan(errorPerTolerance * tol));
    // GMRES and per-sample error control solve the same equations.
    const krylov = run(divider(0), { name, rtol: tol, atol: tol, options: { denseLimit: 0 } }, y0, 4);
    expect(maxAbs(krylov.yFinal, dividerExact(4, v10))).toBeLessThan(errorPerTolerance * tol);
    const perSample = run(divider(0), { name, rtol: tol, atol: tol, errorControl: 'per-sample' }, y0, 4);
    expect(maxAbs(perSample.yFinal, dividerExact(4, v10))).toBeLessThan(errorPerTolerance * tol);
  });

  it('takes as few steps as the same circuit with node 2 as a fast RC node takes after its initial layer', () => {
    const dae = run(divider(0), { name: 'bdf2', rtol: 1e-6, atol: 1e-6 }, y0, 4);
    const stiff = run(divider(1e-6), { name: 'bdf2', rtol: 1e-6, atol: 1e-6 }, y0, 4);
    expect(dae.stats.acceptedSteps).toBeLessThanOrEqual(stiff.stats.acceptedSteps);
    expect(maxAbs(dae.yFinal, stiff.yFinal)).toBeLessThan(1e-4);
  });

  it('is refused by explicit solvers, naming the node and the implicit solvers', () => {
    for (const name of ['dopri5', 'rk4', 'odex']) {
      let error: unknown;
      try {
        run(divider(0), name === 'rk4' ? { name, dt0: 0.1 } : { name }, y0, 1);
      } catch (e) {
        error = e;
      }
      expect(error, name).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).code).toBe('algebraic-node');
      expect((error as ValidationError).message).toMatch(/node 2 has no capacitance.*'\w+'.*bdf2, tr-bdf2/);
    }
  });

  it('has its DC operating point and the reduced small-signal eigenvalue −g1·g2/((g1 + g2)·C)', () => {
    // With 1 A into node 1 the divider sits at v2 = 1 A / g2, v1 = v2 + 1 A / g1, capacitance or not.
    const driven = (c2: number) =>
      unwrap(
        createCircuit({
          numNodes: 2,
          capacitance: [C, c2],
          groups: [
            { type: conductance, src: [1, 2], dst: [2, 0], params: [g1, g2] },
            { type: source, src: [0], dst: [1], params: [1, 0] },
          ],
        }),
      );
    const op = operatingPoint(driven(0));
    expect(op.voltages[0]).toBeCloseTo(1 / g2 + 1 / g1, 12);
    expect(op.voltages[1]).toBeCloseTo(1 / g2, 12);
    expect(maxAbs(op.voltages, operatingPoint(driven(1)).voltages)).toBeLessThan(1e-12);
    const report = stabilityAt(driven(0), op.voltages);
    expect(report.eigenvalues).toHaveLength(1);
    expect(report.eigenvalues![0]).toHaveLength(1);
    expect(report.eigenvalues![0][0].re).toBeCloseTo(-rate, 12);
    expect(report.stable).toBe(true);
  });

  it('is refused by every gradient method and by the same-topology check, not silently differentiated', () => {
    const dynamics = new KclDynamics(divider(0), 2);
    const setup = setupOf(container, { name: 'bdf2' });
    const problem = { term: dynamics, t0: 0, t1: 1, y0, forward: setup, backward: setup };
    for (const method of [backsolve, checkpointed, discrete]) expect(codeOf(() => method.forward(problem)), method.name).toBe('algebraic-node');
    expect(codeOf(() => verifyAdjointTopology(divider(0)))).toBe('algebraic-node');
  });
});

describe('a diode clamp at an algebraic node', () => {
  // Node 1 (1 mF) — 1 kΩ — node 2 (no capacitance) — diode ∥ 10 kΩ — ground; three starting voltages.
  const clamp = (c2: number): Circuit =>
    unwrap(
      createCircuit({
        numNodes: 2,
        capacitance: [1e-3, c2],
        groups: [
          { type: conductance, src: [1, 2], dst: [2, 0], params: [1e-3, 1e-4] },
          { type: diode, src: [2], dst: [0], params: diode.definition.meta.params.map((p) => p.init as number) },
        ],
      }),
    );
  const y0 = Float64Array.from([5, 1, -2, 0, 0, 0]);

  it.each(IMPLICIT)('%s agrees with the same circuit with 1 nF at node 2, solved by the same solver at tight tolerance', (name) => {
    const tol = name === 'backward-euler' ? 1e-9 : 1e-10;
    const dae = run(clamp(0), { name, rtol: tol, atol: tol, maxSteps: 1e6 }, y0, 2, [0.5, 2], 3);
    const tiny = run(clamp(1e-9), { name, rtol: tol, atol: tol, maxSteps: 1e6 }, y0, 2, [0.5, 2], 3);
    // The 1 nF node lags by ~C2/(g1 + g_diode) ≤ 1e-6 s: its voltages differ by ~1e-6·|dv/dt| ≤ 1e-5 V.
    dae.ys.forEach((y, k) => expect(maxAbs(y, tiny.ys[k]), `t = ${dae.ts[k]}`).toBeLessThan(name === 'backward-euler' ? 2e-4 : 2e-5));
    // KCL holds at node 2 at the end: (v1 − v2)·g1 = v2·g2 + diode current.
    const yT = dae.yFinal;
    const is = diode.definition.meta.params[0].init as number;
    for (let b = 0; b < 3; b++) {
      const v1 = yT[b];
      const v2 = yT[3 + b];
      const current = (v1 - v2) * 1e-3 - v2 * 1e-4 - is * Math.expm1(v2 / 0.025852);
      expect(Math.abs(current)).toBeLessThan(1e-9);
    }
  });
});

describe('a circuit without any capacitance', () => {
  it('is solved at every output time by its constraints alone (its DC solution, here constant)', () => {
    // 1 A into node 1; 3 S from node 1 to node 2, 1 S from node 2 to ground.
    const circuit = unwrap(
      createCircuit({
        numNodes: 2,
        capacitance: 0,
        groups: [
          { type: conductance, src: [1, 2], dst: [2, 0], params: [g1, g2] },
          { type: source, src: [0], dst: [1], params: [1, 0] },
        ],
      }),
    );
    for (const name of IMPLICIT) {
      const solution = run(circuit, { name, rtol: 1e-8, atol: 1e-8 }, Float64Array.from([0, 0]), 10, [0, 1, 10], 1);
      for (const y of solution.ys) expect(maxAbs(y, [1 / g2 + 1 / g1, 1 / g2]), name).toBeLessThan(1e-12);
      expect(solution.stats.acceptedSteps, name).toBeLessThan(20);
    }
  });
});

describe('singular circuits', () => {
  it('an algebraic node without any branch is refused when the dynamics are built', () => {
    const circuit = unwrap(createCircuit({ numNodes: 2, capacitance: [1, 0], groups: [{ type: conductance, src: [1], dst: [0], params: [1] }] }));
    expect(codeOf(() => new KclDynamics(circuit, 1))).toBe('singular-circuit');
  });

  it('an algebraic node whose branches do not depend on its voltage is refused at t0, naming it', () => {
    // Node 2 sees only a constant current source (0 A) from node 1: nothing fixes v2.
    const circuit = unwrap(
      createCircuit({
        numNodes: 2,
        capacitance: [1, 0],
        groups: [
          { type: conductance, src: [1], dst: [0], params: [1] },
          { type: source, src: [1], dst: [2], params: [0, 0] },
        ],
      }),
    );
    let error: unknown;
    try {
      run(circuit, { name: 'tr-bdf2' }, Float64Array.from([1, 0]), 1, undefined, 1);
    } catch (e) {
      error = e;
    }
    expect((error as KirchhoffError).code).toBe('singular-circuit');
    expect((error as KirchhoffError).message).toMatch(/node 2 \(sample 0\)/);
  });
});

describe('kirchhoff simulate on a circuit file with an algebraic node', () => {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const io = (): CliIo & { stdout: () => string; stderr: () => string } => {
    const out: string[] = [];
    const err: string[] = [];
    return { out: (t) => void out.push(t), err: (t) => void err.push(t), cwd: root, stdout: () => out.join(''), stderr: () => err.join('') };
  };
  const file = 'examples/circuits/diode-clamp-dae.yaml';

  it('integrates it with the implicit solver the file names, reporting consistent voltages at t = 0', async () => {
    const cli = io();
    expect(await runCli(['simulate', file], cli), cli.stderr()).toBe(0);
    const rows = cli.stdout().trim().split('\n').slice(1).map((line) => line.split(',').map(Number));
    // Sample 2 starts at −2 V: the diode is off, so node 2 is the divider's −2·g1/(g1 + g2).
    const start = rows.find(([t, b]) => t === 0 && b === 2)!;
    expect(start[3]).toBeCloseTo((-2 * 1e-3) / 1.1e-3, 8);
  });

  it('refuses an explicit solver with a message naming the node', async () => {
    const cli = io();
    expect(await runCli(['simulate', file, '--solver', 'dopri5'], cli)).not.toBe(0);
    expect(cli.stderr()).toMatch(/node 2 has no capacitance.*\[algebraic-node\]/);
  });
});

// createModel/simulateModel are the path `simulate` takes; a model with two slices hands the consistent state on.
describe('a two-slice model with an algebraic node', () => {
  it('starts the second slice from the first slice’s end, which is already consistent for the same circuit', () => {
    const model = unwrap(createModel([{ circuit: divider(0), duration: 1 }, { circuit: divider(0), duration: 1 }]));
    const setup = setupOf(container, { name: 'tr-bdf2', rtol: 1e-9, atol: 1e-9 });
    const result = simulateModel({ model, input: Float64Array.from([1, 0]), batch: 1, setup, saveAt: [0, 1, 2] });
    result.states.forEach((y, k) => expect(maxAbs(y, dividerExact(result.times[k], [1])), `t = ${result.times[k]}`).toBeLessThan(1e-6));
  });
});
