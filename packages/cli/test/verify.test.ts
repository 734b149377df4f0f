import { describe, expect, it } from 'vitest';
import { verifyCommand } from '../src/commands/verify';
import { runCli } from '../src/program';
import { memoryIo, workspace } from './helpers';

const SMALL = `model: { nodes: 3, branch: shift-tanh-2, slices: 2, duration: 0.5, readout: [2, 3] }
data: { dataset: two-moons, train: 32, test: 32 }
optimizer: { name: adamw }
training: { epochs: 1, batchSize: 8 }
solver: { name: dopri5, rtol: 1.0e-4, atol: 1.0e-4 }
`;

// A derivative rule with a deliberate mistake (2/(1+|x|)² instead of 1/(1+|x|)²), as a plugin could ship it.
const WRONG_RULE = `export const softsign = {
  name: 'softsign', params: ['x'], definition: 'x / (1 + abs(x))', partials: ['2 / (1 + abs(x)) ^ 2'],
  evaluate: (x) => x / (1 + Math.abs(x)), description: 'softsign with a wrong derivative',
};
export const softsignConductance = {
  name: 'softsign-conductance', meta: { description: 'g·softsign(vs − vd)', params: [{ name: 'g', init: 1 }], kind: 'delta' },
  current: 'g * softsign(vs - vd)',
};
`;

const CIRCUIT = JSON.stringify({
  nodes: 2,
  duration: 1,
  branches: [
    { type: 'conductance', edges: [[1, 0], [2, 1]], params: { g: [0.5, 1] } },
    { type: 'shift-tanh-2', edges: [[1, 2], [0, 2]] },
  ],
  input: [[1, -1], [0.5, 2]],
  seed: 3,
});

describe('kirchhoff verify', () => {
  it('passes both checks on a training config', async () => {
    const io = memoryIo(workspace({ 'small.yaml': SMALL }));
    const report = await verifyCommand('small.yaml', { topology: true, grad: true }, io);
    expect(report.passed).toBe(true);
    expect(report.topology!.map((s) => [s.slice, s.nodes, s.edges, s.sameTopology, s.deltaGroups])).toEqual([
      [1, 3, 24, true, 0],
      [2, 3, 24, true, 0],
    ]);
    expect(Math.max(...report.topology!.map((s) => s.maxRelativeError))).toBeLessThan(1e-7);
    expect(report.grad).toMatchObject({ method: 'checkpointed', samples: 8, compared: 20 });
    expect(report.grad!.maxError).toBeLessThan(1e-6);
    expect(io.stdout()).toMatch(/^ {2}slice 2: 3 nodes, 3 capacitors, 24 edges of shift-tanh-2 \(controlled\): same nodes\/capacitors\/edges yes; Δ-type branches none; max relative error .* — ok$/m);
    expect(io.stdout()).toMatch(/^ {2}20 parameters: max \|adjoint − central difference\| \/ max \|gradient\| = .* — ok/m);
  });

  it('checks a circuit file with Δ-type branches, its gradient on MSE to zero', async () => {
    const dir = workspace({ 'rc.json': CIRCUIT });
    const io = memoryIo(dir);
    const report = await verifyCommand('rc.json', { adjoint: 'backsolve' }, io);
    expect(report.kind).toBe('circuit file');
    expect(report.topology![0]).toMatchObject({ edges: 4, deltaGroups: 1, deltaBranchesAreConductances: true, passed: true });
    expect(report.grad).toMatchObject({ method: 'backsolve', samples: 2, passed: true });
    expect(io.stdout()).toMatch(/loss mse to 0 on all nodes/);
    expect(await runCli(['verify', 'rc.json', '--topology'], memoryIo(dir))).toBe(0);
  });

  it('fails, with exit code 1, on a branch law whose derivative rule is wrong', async () => {
    const dir = workspace({
      'wrong-rule.mjs': WRONG_RULE,
      'bad.yaml': SMALL.replace('branch: shift-tanh-2', 'branch: softsign-conductance') + 'plugins: [wrong-rule.mjs]\n',
    });
    const io = memoryIo(dir);
    expect(await runCli(['verify', 'bad.yaml'], io)).toBe(1);
    expect(io.stdout()).toMatch(/max relative error .* — FAILED/);
    expect(io.stderr()).toMatch(/^error: bad\.yaml: the adjoint circuit check failed on slice 1, 2 \[adjoint-topology-failed\]$/m);
    expect(io.stderr()).toMatch(/\[gradient-check-failed\]/);
  });

  it('tells the continuous adjoint of a coarse Euler model from its exact (discrete) gradient', async () => {
    const dir = workspace({ 'euler.yaml': SMALL.replace(/solver: .*/, 'solver: { name: euler, dt0: 0.25 }') });
    const continuous = memoryIo(dir);
    expect(await runCli(['verify', 'euler.yaml', '--grad', '--adjoint', 'backsolve'], continuous)).toBe(1);
    expect(continuous.stderr()).toMatch(/^error: euler\.yaml: the backsolve gradient is off by .* \[gradient-check-failed\]$/m);
    const exact = await verifyCommand('euler.yaml', { grad: true, adjoint: 'discrete' }, memoryIo(dir));
    expect(exact.grad!.maxError).toBeLessThan(1e-7);
  });

  it('refuses an unknown adjoint method at the option', async () => {
    const io = memoryIo(workspace({ 'rc.json': CIRCUIT }));
    expect(await runCli(['verify', 'rc.json', '--adjoint', 'magic'], io)).toBe(1);
    expect(io.stderr()).toMatch(/^error: --adjoint: unknown adjoint method 'magic'; known: backsolve, checkpointed, discrete \[unknown-adjoint-method\]$/m);
  });
});
