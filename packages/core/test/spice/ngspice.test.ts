import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { createCircuit, type Circuit } from '../../src/circuit/circuit';
import { KirchhoffError } from '../../src/errors';
import { writeSpiceNetlist } from '../../src/spice/netlist';
import { ngspiceFailure, nodeVoltage, parseWrdata, runNgspice } from '../../src/spice/ngspice';
import { probeLawInNgspice, type LawPoint } from '../../src/spice/probe';
import { describeWithNgspice } from '../../testing/branch-tester';
import { testType, unwrap } from '../helpers';

const VS = [-1.7, -0.6, 0, 0.3, 0.4, 0.9, 2.2];
const VD = [0.4, -0.8];
const any = () => true;
const positive = (v: number) => v > 0;
const unit = (v: number) => Math.abs(v) < 1;

/**
 * Laws over every function form, every function inlined from a definition, powers, comparisons, logic
 * and grouping; each with the part of the (vs, vd) grid where it is defined.
 */
const LAWS: readonly (readonly [string, (vs: number, vd: number) => boolean])[] = [
  ['exp(vs)', any],
  ['log(vs)', positive],
  ['sqrt(vs)', positive],
  ['cbrt(vs)', any],
  ['sin(vs) + cos(vd) + tan(vs)', any],
  ['asin(vs) + acos(vs)', unit],
  ['atan(vs)', any],
  ['sinh(vs) + cosh(vd) + tanh(vs)', any],
  ['asinh(vs)', any],
  ['acosh(vs + 1.5)', (vs) => vs > -0.5],
  ['atanh(vs)', unit],
  ['abs(vs) * sign(vs)', any],
  ['log1p(vs)', (vs) => vs > -1],
  ['expm1(vs)', any],
  ['relu(vs - vd)', any],
  ['leaky_relu(vs - vd)', any],
  ['leaky_relu_slope(vs, 0.2)', any],
  ['step(vs)', any],
  ['max(vs, vd) + min(vs, vd)', any],
  ['clamp(vs, -1, 1)', any],
  ['sigmoid(vs)', any],
  ['softplus(40 * vs)', any],
  ['square(vs)', any],
  ['sech(vs) + sec(vs)', any],
  ['csch(vs) + coth(vs) + csc(vs) + cot(vs)', (vs) => vs !== 0],
  ['pow(vs, 3) + (vs - vd) ^ 2 - vd ^ -1', any],
  ['vs ^ 0.5 + vs ^ vd', positive],
  ['vs > 0 and vd < 1 ? vs : vd', any],
  ['vs >= 0 or not (vd <= 1) ? 1 : 0', any],
  // Equality only between values ngspice parses alike: it reads 0.3 one unit in the last place off.
  ['vs == vd ? 1 : (vs != 0 ? 2 : 3)', any],
  ['vs - (vd - 1) + vs / (vd * 2) + vs * -vd - (vs + vd)', any],
  ['-vs ^ 2 + (-vs) ^ 2 + -vs ^ 3', any],
  ['-vs - vd * -vs + log1p(-vs / 3) - -vd', any],
  ['tanh(vs > 0 ? vs : 0) + 1 + (vs > 0 ? vs : 0) - -0.5', any],
  ['pi * vs + e', any],
];

describe('ngspice output and failures (no ngspice needed)', () => {
  it('reads wrdata output by vector name', () => {
    const { times, vectors } = parseWrdata(' time V(1) V(2) time\n 1.0e-01 2.5e-01 -3e0 1.0e-01\n 2.0e-01 5.0e-01 -4e0 2.0e-01\n');
    expect(Array.from(times)).toEqual([0.1, 0.2]);
    expect(Array.from(vectors.get('v(2)')!)).toEqual([-3, -4]);
    expect([...vectors.keys()]).toEqual(['v(1)', 'v(2)', 'time']);
  });

  it('recognises non-convergence and rejected decks in the log', () => {
    const tooSmall = ngspiceFailure('doAnalyses: TRAN:  Timestep too small; time = 0.997319, timestep = 7.41153e-14: trouble with node "1"\nrun simulation(s) aborted\n');
    expect(tooSmall?.code).toBe('ngspice-no-convergence');
    expect(tooSmall?.message).toContain('t = 0.997319 s');
    expect(ngspiceFailure("Error on line 3 or its substitute:\n  b1 1 0 i= frob ( v(1) )\nError: no such function 'frob'\n")?.code).toBe('ngspice-error');
    expect(ngspiceFailure('Doing analysis at TEMP = 27.000000\nTotal analysis time (seconds) = 0.005\n')).toBeUndefined();
  });

  it('says how to install ngspice when it is not on PATH', async () => {
    const error = await runNgspice('title\n.end\n', 'out.txt', { binary: 'ngspice-that-does-not-exist' }).catch((e: KirchhoffError) => e);
    expect(error).toBeInstanceOf(KirchhoffError);
    expect((error as KirchhoffError).code).toBe('ngspice-not-found');
    expect((error as KirchhoffError).message).toContain('apt-get install ngspice');
  });
});

/** A circuit of one group of `current` (parameters `params`, one row per parameter) over `edges`. */
function circuitOf(current: string, names: string[], edges: [number, number][], params: number[][], numNodes: number, capacitance: number | number[] = 1): Circuit {
  const type = testType(current, names);
  const flat = names.flatMap((_, k) => edges.map((_e, i) => params[i][k]));
  return unwrap(createCircuit({ numNodes, capacitance, groups: [{ type, src: edges.map((e) => e[0]), dst: edges.map((e) => e[1]), params: flat }] }));
}

describeWithNgspice('ngspice runs the exported expressions and netlists', () => {
  it('evaluates every function form, inlined definition, power, comparison and grouping as Kirchhoff does', async () => {
    let worst = 0;
    for (const [law, domain] of LAWS) {
      const type = testType(law, []);
      const points: LawPoint[] = VS.flatMap((vs) => VD.filter((vd) => domain(vs, vd)).map((vd) => ({ vs, vd, theta: [] })));
      const currents = await probeLawInNgspice(type, points).catch((err: Error) => {
        throw new Error(`${law}: ${err.message}`);
      });
      points.forEach((p, k) => {
        const expected = type.law.evaluateAt([p.vs, p.vd], []).currents[0];
        const error = Math.abs(currents[k] - expected) / Math.max(1, Math.abs(expected));
        worst = Math.max(worst, error);
        // ngspice reads B-source literals to 11 significant digits (π becomes 3.1415926536).
        expect(error, `${law} at vs=${p.vs}, vd=${p.vd}: ngspice ${currents[k]}, Kirchhoff ${expected}`).toBeLessThanOrEqual(1e-10);
      });
    }
    expect(worst).toBeLessThan(1e-10);
  });

  it('drives a branch current from its source node to its destination (polarity)', async () => {
    // A constant 0.25 A from node 1 to node 2 for 1 s on 1 F: node 1 falls to −0.25 V, node 2 rises to +0.25 V.
    const circuit = circuitOf('g', ['g'], [[1, 2]], [[0.25]], 2);
    const netlist = writeSpiceNetlist({ circuit, duration: 1, initial: [0, 0], dataFile: 'out.txt' });
    expect(netlist).toContain('\nB0_0 1 2 I = 0.25\n');
    const run = await runNgspice(netlist, 'out.txt');
    const last = run.times.length - 1;
    expect(run.times[last]).toBeCloseTo(1, 12);
    expect(nodeVoltage(run, 1)[last]).toBeCloseTo(-0.25, 9);
    expect(nodeVoltage(run, 2)[last]).toBeCloseTo(0.25, 9);
  });

  it('a scaled export reaches the same voltages at the scaled time (C·c0, t·τ, v·α; currents × c0·α/τ)', async () => {
    const edges: [number, number][] = [[1, 2], [2, 3], [3, 1], [0, 2], [3, 0]];
    const params = [[0.9, -0.4, 0.2], [-0.7, 0.5, 0.1], [0.3, 0.8, -0.3], [0.6, 0.2, 0.4], [-0.5, -0.9, 0.2]];
    const circuit = circuitOf('tanh(theta0 * vs + theta1 * vd + theta2)', ['theta0', 'theta1', 'theta2'], edges, params, 3, [1, 0.5, 2]);
    const initial = [0.4, -0.3, 0.8];
    const plain = await runNgspice(writeSpiceNetlist({ circuit, duration: 1, initial, dataFile: 'out.txt' }), 'out.txt');
    const scaling = { capacitance: 1e-12, timeConstant: 1e-9, voltage: 2 };
    const netlist = writeSpiceNetlist({ circuit, duration: 1, initial, scaling, dataFile: 'out.txt' });
    expect(netlist).toContain('\nC2 2 0 5e-13 IC=(-0.6)\n');
    expect(netlist).toMatch(/\nB0_0 1 2 I = 0\.002 \* \(tanh\(0\.9 \* \(v\(1\) \/ 2\) \+ \(-0\.4\) \* \(v\(2\) \/ 2\) \+ 0\.2\)\)\n/);
    expect(netlist).toContain('\n.tran 5e-12 1e-9 0 5e-13 uic\n');
    const scaled = await runNgspice(netlist, 'out.txt');
    expect(scaled.times[scaled.times.length - 1]).toBeCloseTo(1e-9, 20);
    for (let n = 1; n <= 3; n++) {
      const a = nodeVoltage(plain, n).at(-1)!;
      const b = nodeVoltage(scaled, n).at(-1)! / 2;
      expect(Math.abs(a - b), `node ${n}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a)));
    }
  });

  it('reports non-convergence clearly: a node that runs away in finite time', async () => {
    // dv/dt = v² from v(0) = 1 blows up at t = 1; the slice runs to t = 2.
    const circuit = circuitOf('vd * vd', [], [[0, 1]], [[]], 1);
    const error = await runNgspice(writeSpiceNetlist({ circuit, duration: 2, initial: [1], dataFile: 'out.txt' }), 'out.txt').catch((e: KirchhoffError) => e);
    expect((error as KirchhoffError).code).toBe('ngspice-no-convergence');
    expect((error as KirchhoffError).message).toMatch(/did not converge at t = 0\.99\d* s/);
  });

  it('reports a deck ngspice rejects', async () => {
    const error = await runNgspice('bad deck\nB1 1 0 I = frobnicate(v(1))\nC1 1 0 1\n.tran 0.1 1\n.control\nrun\nwrdata out.txt all\nquit 0\n.endc\n.end\n', 'out.txt').catch((e: KirchhoffError) => e);
    expect((error as KirchhoffError).code).toBe('ngspice-error');
    expect((error as KirchhoffError).message).toContain('frobnicate');
  });
});

describe('netlist text', () => {
  const circuit = circuitOf('theta1 * relu(vs - vd - theta0)', ['theta0', 'theta1'], [[1, 2], [0, 1]], [[0.1, 2], [-0.2, 0.5]], 2);

  it('holds a capacitor per node with its initial voltage, a B-source per branch, .tran … uic and the readout', () => {
    const text = writeSpiceNetlist({ circuit, duration: 1, initial: [0.3, -0.1], readoutNodes: [2], title: 'my circuit' });
    const lines = text.split('\n');
    expect(lines[0]).toBe('my circuit');
    expect(lines).toContain('C1 1 0 1 IC=0.3');
    expect(lines).toContain('C2 2 0 1 IC=(-0.1)');
    expect(lines).toContain('* Group 0: 2 branches of type test-law, I = theta1 * (vs - vd - theta0 > 0 ? vs - vd - theta0 : 0)');
    expect(lines).toContain('B0_0 1 2 I = 2 * (v(1) - v(2) - 0.1 > 0 ? v(1) - v(2) - 0.1 : 0)');
    expect(lines).toContain('B0_1 0 1 I = 0.5 * (-v(1) - (-0.2) > 0 ? -v(1) - (-0.2) : 0)');
    expect(lines).toContain('.tran 0.005 1 0 0.0005 uic');
    expect(lines).toContain('.print tran v(2)');
    expect(lines).toContain('.meas tran v2_end find v(2) at=1');
    expect(lines.at(-2)).toBe('.end');
  });

  it('refuses a node without capacitance and a wrong number of initial voltages', () => {
    const algebraic = circuitOf('g * (vs - vd)', ['g'], [[1, 2]], [[1]], 2, [1, 0]);
    expect(() => writeSpiceNetlist({ circuit: algebraic, duration: 1, initial: [0, 0] })).toThrow(expect.objectContaining({ code: 'spice-algebraic-node' }));
    expect(() => writeSpiceNetlist({ circuit, duration: 1, initial: [0] })).toThrow(expect.objectContaining({ code: 'input-size' }));
    expect(() => writeSpiceNetlist({ circuit, duration: 1, initial: [0, 0], scaling: { timeConstant: -1 } })).toThrow(expect.objectContaining({ code: 'invalid-spice-scaling' }));
  });
});

// Keep fp-ts's Either in use for the helpers' types.
void E;
