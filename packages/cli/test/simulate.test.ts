import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { simulateCommand } from '../src/commands/simulate';
import { CliError } from '../src/issues';
import { runCli } from '../src/program';
import { FIXTURES, memoryIo, parseCsv, tempDir, workspace } from './helpers';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** Two nodes, each discharging through a linear conductance g into ground: v_n(t) = v0·e^{−g t / C_n}. */
const RC = `# two RC discharges
nodes: 2
capacitance: [1, 2]
duration: 2
branches:
  - type: conductance
    edges: [[1, 0], [2, 0]]
    params: { g: 0.7 }
input: [[1, -2], [0.5, 3], [-1, 0]]
solver: { name: dopri5, rtol: 1.0e-10, atol: 1.0e-12 }
save: [0.5, 1, 2]
`;

describe('kirchhoff simulate', () => {
  it('writes node voltages that match the analytic RC discharge (CSV)', async () => {
    const dir = workspace({ 'rc.yaml': RC });
    const io = memoryIo(dir);
    expect(await runCli(['simulate', 'rc.yaml', '--out', 'v.csv'], io)).toBe(0);
    const { header, rows } = parseCsv(readFileSync(join(dir, 'v.csv'), 'utf8'));
    expect(header).toEqual(['time', 'sample', 'v1', 'v2']);
    const input = [
      [1, -2],
      [0.5, 3],
      [-1, 0],
    ];
    expect(rows.map((r) => r.slice(0, 2))).toEqual([0.5, 1, 2].flatMap((t) => [0, 1, 2].map((b) => [t, b])));
    for (const [t, b, v1, v2] of rows) {
      expect(Math.abs(v1 - input[b][0] * Math.exp(-0.7 * t))).toBeLessThan(1e-9);
      expect(Math.abs(v2 - input[b][1] * Math.exp((-0.7 * t) / 2))).toBeLessThan(1e-9);
    }
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toMatch(/2 nodes, 3 samples, 1 slice over \[0, 2\] with 2 edges/);
    expect(io.stderr()).toMatch(/solver dopri5 \(rtol 1e-10, atol 1e-12, controller torchdiffeq\): NFE \d+, \d+ accepted \/ \d+ rejected steps/);
  });

  it('writes JSON with per-sample states and solver statistics', async () => {
    const dir = workspace({ 'rc.yaml': RC });
    const report = await simulateCommand('rc.yaml', { out: 'v.json', save: [2] }, memoryIo(dir));
    const json = JSON.parse(readFileSync(join(dir, 'v.json'), 'utf8'));
    expect(report.format).toBe('json');
    expect(json).toMatchObject({ nodes: 2, batch: 3, times: [2], solver: { name: 'dopri5', rtol: 1e-10 } });
    expect(json.states).toHaveLength(3);
    expect(json.states[1][0][1]).toBeCloseTo(3 * Math.exp(-0.7), 9);
    expect(json.stats.perSlice).toHaveLength(1);
    expect(json.stats.nfe).toBe(json.stats.perSlice[0].nfe);
    expect(json.stats.nfe).toBeGreaterThan(6);
  });

  it('writes to standard output when no output path is given, in the format asked for', async () => {
    const io = memoryIo(workspace({ 'rc.yaml': RC }));
    expect(await runCli(['simulate', 'rc.yaml', '--format', 'json', '--t-end', '1', '--save', '1'], io)).toBe(0);
    expect(JSON.parse(io.stdout()).times).toEqual([1]);
  });

  it('reproduces the original code’s tiny-circuit reference with the default example', async () => {
    const io = memoryIo(REPO);
    const report = await simulateCommand('examples/default-simulation.yaml', {}, io);
    // solution_at_t of the ShiftTanh2 device in the original's tiny_circuit_all_devices fixture
    // (torchdiffeq dopri5, rtol = atol = 1e-10), at t = 0.5 and t = 1, samples 0..2.
    const reference = [
      [
        [1.4303870832171677, 0.5343547899058041, 0.8467667995659733, -0.274846122727567, -1.2374836092121688, 0.21642461271757343],
        [-2.0294199734024305, 0.7109068174269426, -0.059182855608433144, 0.3461289366710356, -0.7056895476642453, -0.08556240016534553],
        [-0.1947985283761057, 1.558686870057919, -0.32661836989070675, 0.37965829335237444, 0.34964182999291704, 0.1988070810109653],
      ],
      [
        [2.001086782339566, 0.7469749457861431, 0.4713428269469396, -0.11927946012397424, -1.4632065654272417, 0.4050064944225752],
        [-3.0270232729373885, 1.8949848510212493, -0.07984170665775382, 0.18812737616932765, -0.949019138121028, -0.2929733954571526],
        [-0.23535888963085824, 1.900575693124078, -0.1599774372420999, 0.19771762132138979, -0.17529455987360867, 0.10006344686553169],
      ],
    ];
    const { rows } = parseCsv(io.stdout());
    expect(report.result.times).toEqual([0.5, 1]);
    expect(rows).toHaveLength(6);
    for (const [t, b, ...v] of rows) {
      const expected = reference[t === 0.5 ? 0 : 1][b];
      v.forEach((x, n) => expect(Math.abs(x - expected[n])).toBeLessThan(1e-8));
    }
    expect(report.result.perSlice).toHaveLength(2);
  });

  it('runs the other examples: the inline branch type and the polynomial family', async () => {
    const ladder = await simulateCommand('examples/circuits/inline-branch-type.yaml', {}, memoryIo(REPO));
    expect(ladder.plan.model.slices[0].circuit.groups[0].type.definition.name).toBe('saturating-conductance');
    const io = memoryIo(REPO);
    await simulateCommand('examples/circuits/bistable-polynomial.json', {}, io);
    // dv/dt = v − v³/3 settles at ±√3, on the side of the initial voltage.
    const final = JSON.parse(io.stdout()).states.map((sample: number[][]) => sample[sample.length - 1][0]);
    expect(final.map((v: number) => Math.abs(Math.abs(v) - Math.sqrt(3)) < 1e-3)).toEqual([true, true, true, true, true]);
    expect(final.map(Math.sign)).toEqual([-1, -1, 1, 1, 1]);
  });

  describe('plugins', () => {
    // v' = −a·v² from node 1 to ground: v(t) = v0 / (1 + a·v0·t).
    const leak = (extra = '') => `nodes: 1
${extra}duration: 2
branches:
  - { type: QuadraticLeak, edges: [[1, 0]], params: { a: 0.5 } }
input: [[1], [4]]
solver: { name: dopri5, rtol: 1.0e-10, atol: 1.0e-10 }
`;
    const check = (csv: string) => {
      for (const [t, b, v] of parseCsv(csv).rows) {
        const v0 = [1, 4][b];
        expect(Math.abs(v - v0 / (1 + 0.5 * v0 * t))).toBeLessThan(1e-8);
      }
    };

    it('loads a branch type from --plugin and simulates it correctly', async () => {
      const io = memoryIo(workspace({ 'leak.yaml': leak() }));
      expect(await runCli(['simulate', 'leak.yaml', '--plugin', join(FIXTURES, 'quadratic-leak.mjs')], io)).toBe(0);
      check(io.stdout());
    });

    it('loads plugins listed in the file, relative to it, including function rules', async () => {
      const dir = workspace({ 'leak.yaml': leak(`plugins: [${join(FIXTURES, 'quadratic-leak.mjs')}]\n`) });
      const io = memoryIo(tempDir());
      await simulateCommand(join(dir, 'leak.yaml'), {}, io);
      check(io.stdout());

      const softsign = workspace({
        'plugin.mjs': readFileSync(join(FIXTURES, 'softsign-rule.mjs')),
        's.yaml': 'nodes: 1\nplugins: [./plugin.mjs]\nduration: 1\nbranches: [{ type: softsign-conductance, edges: [[1, 0]] }]\ninput: [[2]]\nsolver: { name: dopri5, rtol: 1.0e-10, atol: 1.0e-10 }\n',
      });
      const out = memoryIo(softsign);
      await simulateCommand('s.yaml', {}, out);
      // v' = −v/(1 + v) for v > 0 integrates to ln v + v = ln v0 + v0 − t.
      const [[, , v]] = parseCsv(out.stdout()).rows;
      expect(Math.log(v) + v).toBeCloseTo(Math.log(2) + 2 - 1, 8);
    });

    it('rejects a module that exports no plugin, naming it', async () => {
      const io = memoryIo(workspace({ 'leak.yaml': leak() }));
      expect(await runCli(['simulate', 'leak.yaml', '--plugin', join(FIXTURES, 'no-plugins.mjs')], io)).toBe(1);
      expect(io.stderr()).toMatch(/^error: --plugin .*no-plugins\.mjs: plugin module .*no-plugins\.mjs exports no branch type.*\[plugin-empty\]$/m);
      const missing = memoryIo(workspace({ 'leak.yaml': leak('plugins: [./absent.mjs]\n') }));
      expect(await runCli(['simulate', 'leak.yaml'], missing)).toBe(1);
      expect(missing.stderr()).toMatch(/^error: leak\.yaml:2:11: plugins\[0\]: .*absent\.mjs does not exist \[plugin-not-found\]$/m);
    });
  });

  describe('errors', () => {
    it('prints every issue as file:line:col: field: message [code] and exits 1 without a stack trace', async () => {
      const io = memoryIo(workspace({ 'bad.yaml': 'nodes: 5\nduration: 1\nbranches:\n  - { type: conductance, edges: [[1, 9]] }\ninput: [[0, 0, 0, 0, 0]]\nsolver: { name: dopri7 }\n' }));
      expect(await runCli(['simulate', 'bad.yaml'], io)).toBe(1);
      expect(io.stderr().trim().split('\n')).toEqual([
        "error: bad.yaml:4:34: branches[0].edges[0]: destination node 9 does not exist: nodes are 0 (ground) to 5 [node-out-of-range]",
        expect.stringMatching(/^error: bad\.yaml:6:17: solver\.name: unknown solver 'dopri7'; known: .*dopri5.* \[unknown-solver\]$/),
      ]);
      expect(io.stdout()).toBe('');
    });

    it('reports a missing file and a runtime solver failure as errors', async () => {
      const io = memoryIo(tempDir());
      expect(await runCli(['simulate', 'absent.yaml'], io)).toBe(1);
      expect(io.stderr()).toBe('error: absent.yaml: no such file [file-not-found]\n');
      const stiff = memoryIo(workspace({ 's.yaml': RC.replace('solver: { name: dopri5', 'solver: { name: dopri5, maxSteps: 2') }));
      expect(await runCli(['simulate', 's.yaml'], stiff)).toBe(1);
      expect(stiff.stderr()).toMatch(/^error: s\.yaml: solve with 'dopri5' stopped .*\[max-steps-exceeded\]$/m);
      expect(stiff.stderr()).not.toMatch(/\n\s+at /);
    });

    it('treats --t-end on a multi-slice file and a bad option value as usage errors (exit 2)', async () => {
      const io = memoryIo(REPO);
      expect(await runCli(['simulate', 'examples/default-simulation.yaml', '--t-end', '2'], io)).toBe(2);
      expect(io.stderr()).toMatch(/^error: --t-end: --t-end applies to single-slice files; this one has 2 slices.*\[usage\]$/m);
      const bad = memoryIo(REPO);
      expect(await runCli(['simulate', 'examples/default-simulation.yaml', '--rtol', 'tight'], bad)).toBe(2);
      expect(bad.stderr()).toMatch(/--rtol <x>.*'tight' is invalid/);
      expect(await runCli(['simulate', 'examples/default-simulation.yaml', '--format', 'xml'], memoryIo(REPO))).toBe(2);
      expect(await runCli(['simulate'], memoryIo(REPO))).toBe(2);
    });

    it('never replaces an existing output when a run fails, and leaves no temporary file', async () => {
      const dir = workspace({ 'rc.yaml': RC, 'v.csv': 'previous results\n' });
      const failing = RC.replace('solver: { name: dopri5', 'solver: { name: dopri5, maxSteps: 2');
      writeFileSync(join(dir, 'failing.yaml'), failing);
      expect(await runCli(['simulate', 'failing.yaml', '--out', 'v.csv'], memoryIo(dir))).toBe(1);
      expect(readFileSync(join(dir, 'v.csv'), 'utf8')).toBe('previous results\n');
      expect(await runCli(['simulate', 'rc.yaml', '--out', 'v.csv'], memoryIo(dir))).toBe(0);
      expect(readFileSync(join(dir, 'v.csv'), 'utf8')).toMatch(/^time,sample,v1,v2\n/);
      expect(readdirSync(dir).sort()).toEqual(['failing.yaml', 'rc.yaml', 'v.csv']);
    });

    it('reports an output folder that does not exist', async () => {
      const dir = workspace({ 'rc.yaml': RC });
      await expect(simulateCommand('rc.yaml', { out: 'no/such/dir/v.csv' }, memoryIo(dir))).rejects.toSatisfy(
        (e: unknown) => e instanceof CliError && e.issues[0].code === 'output-unwritable' && e.issues[0].where === '--out',
      );
      expect(existsSync(join(dir, 'no'))).toBe(false);
    });
  });
});
