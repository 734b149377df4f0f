import {
  backsolve,
  checkpointed,
  createCircuit,
  createModel,
  KclDynamics,
  modelGradient,
  simulateModel,
  solve,
  type AdjointMethod,
  type SolverConfig,
} from '@kirchhoff/core';
import { readFixtureJson, toNodeMajor, type MnistLogitsFixture, type TinyCircuitFixture } from '../../test/support/fixtures';
import { builtinContainer, catalogOf, setupOf, unwrap } from '../../test/support/kirchhoff-context';
import { loadPretrainedMnist } from '../../test/support/mnist-model';

/**
 * Agreement with the original code's fixtures and empirical convergence orders: the figures behind the
 * foundation and adjoint tests, printed (the tests assert the bounds; this reports the values).
 */
export function run(): void {
  const container = builtinContainer();
  const catalog = catalogOf(container);
  const fx = readFixtureJson<TinyCircuitFixture>('tiny_circuit_all_devices.json');
  const B = fx.x0.length;
  const x0 = toNodeMajor(fx.x0, 6);
  const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
  const circuitFor = (device: string) =>
    unwrap(
      createCircuit({
        numNodes: 6,
        groups: [{ type: catalog.require(device), src: fx.topology_src_des.map((e) => e[0]), dst: fx.topology_src_des.map((e) => e[1]), params: fx.devices[device].param_rows_by_edge.flat() }],
      }),
    );

  console.log('## Tiny circuit fixture (6 nodes, 12 edges, B = 3)\n');
  console.log('| device | RHS max abs error | dopri5 1e-10: max abs error t=0.5, t=1 | backsolve grad rel. error (θ, x0) | checkpointed grad rel. error (θ, x0) |');
  console.log('|---|---|---|---|---|');
  for (const device of Object.keys(fx.devices)) {
    const data = fx.devices[device];
    const circuit = circuitFor(device);
    const dyn = new KclDynamics(circuit, B);
    const rhs = new Float64Array(dyn.size);
    dyn.vf(0, x0, rhs);
    const setup = setupOf(container, { name: 'dopri5', rtol: 1e-10, atol: 1e-10 });
    const sol = solve(dyn, setup.solver, { ...setup.options, t0: 0, t1: 1, y0: x0, saveAt: [0.5, 1] });
    const errors = [1, 2].map((k, i) => maxAbs(sol.ys[i], toNodeMajor(data.solution_at_t[k], 6)).toExponential(1));
    const grads = [backsolve, checkpointed].map((method: AdjointMethod) => {
      const tight = setupOf(container, { name: 'dopri5', rtol: 1e-11, atol: 1e-11 });
      const r = modelGradient({
        model: unwrap(createModel([{ duration: 1, circuit }])),
        input: x0,
        batch: B,
        method,
        forward: tight,
        loss: (y, g) => y.reduce((s, v, i) => ((g[i] = 2 * v), s + v * v), 0),
      });
      const rel = (a: ArrayLike<number>, e: number[]) => maxAbs(a, e) / Math.max(...e.map(Math.abs));
      return `${rel(r.paramGradients[0][0], data.grad_param_adjoint.flat()).toExponential(1)}, ${rel(r.inputGradient, Array.from(toNodeMajor(data.grad_x0_adjoint, 6))).toExponential(1)}`;
    });
    console.log(`| ${device} | ${maxAbs(rhs, toNodeMajor(data.rhs_at_x0, 6)).toExponential(1)} | ${errors.join(', ')} | ${grads[0]} | ${grads[1]} |`);
  }

  console.log('\n## Released MNIST weights, fixture batch of 8\n');
  const mfx = readFixtureJson<MnistLogitsFixture>('mnist_pretrained_logits.json');
  const model = loadPretrainedMnist(catalog);
  const input = toNodeMajor(mfx.inputs.map((px) => [...px, ...new Array(50).fill(0)]), 834);
  for (const [label, config, column] of [
    ['torchdiffeq-faithful dopri5, tol 1e-3, dt0 1e-2, dtMin 1e-5', { name: 'dopri5', rtol: 1e-3, atol: 1e-3, dt0: 1e-2, dtMin: 1e-5 }, 'logits_official_settings_dopri5_tol1e-3'],
    ['dopri5 tol 1e-7 vs the tol-1e-6 column', { name: 'dopri5', rtol: 1e-7, atol: 1e-7, dt0: 1e-2 }, 'logits_tol1e-6'],
  ] as const) {
    const r = simulateModel({ model, input, batch: 8, setup: setupOf(container, config as SolverConfig) });
    const expected = mfx[column];
    let worst = 0;
    let correct = 0;
    mfx.labels.forEach((label, b) => {
      const logits = Array.from({ length: 10 }, (_, k) => r.final[(824 + k) * 8 + b]);
      logits.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - expected[b][k]))));
      if (logits.indexOf(Math.max(...logits)) === label) correct++;
    });
    console.log(`- ${label}: max |logit error| ${worst.toExponential(2)}, NFE per slice [${r.perSlice.map((s) => s.nfe).join(', ')}], argmax = label ${correct}/8`);
  }

  console.log('\n## Convergence on the tiny circuit with ShiftTanh1 (t ∈ [0, 1], reference ODEX 1e-13)\n');
  const dyn = new KclDynamics(circuitFor('ShiftTanh1'), B);
  const end = (config: SolverConfig) => {
    const s = setupOf(container, config);
    return solve(dyn, s.solver, { ...s.options, t0: 0, t1: 1, y0: x0 });
  };
  const reference = end({ name: 'odex', rtol: 1e-13, atol: 1e-13 }).yFinal;
  const slope = (name: string, steps: number[]) => {
    const pts = steps.map((n) => [Math.log(1 / n), Math.log(maxAbs(end({ name, dt0: 1 / n }).yFinal, reference))]);
    const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
    const my = pts.reduce((s, p) => s + p[1], 0) / pts.length;
    return pts.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / pts.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  };
  console.log(`- Euler fitted order ${slope('euler', [50, 100, 200, 400]).toFixed(3)}; RK4 fitted order ${slope('rk4', [10, 20, 40, 80]).toFixed(3)}`);
  const dp = [1e-4, 1e-6, 1e-8, 1e-10].map((tol) => {
    const s = end({ name: 'dopri5', rtol: tol, atol: tol });
    return `tol ${tol}: error ${maxAbs(s.yFinal, reference).toExponential(1)} (NFE ${s.stats.nfe})`;
  });
  console.log(`- Dormand–Prince: ${dp.join('; ')}`);
  const agree = maxAbs(end({ name: 'dopri5', rtol: 1e-11, atol: 1e-11 }).yFinal, end({ name: 'odex', rtol: 1e-10, atol: 1e-10 }).yFinal);
  console.log(`- ODEX (1e-10) vs Dormand–Prince (1e-11): max abs difference ${agree.toExponential(2)}`);
}
