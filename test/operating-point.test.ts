import { describe, expect, it } from 'vitest';
import { createCircuit, KirchhoffError, operatingPoint, stabilityAt } from '@kirchhoff/core';
import { builtinContainer, catalogOf, unwrap } from './support/kirchhoff-context';

const catalog = catalogOf(builtinContainer());
const conductance = catalog.require('conductance');
const source = catalog.require({ family: 'polynomial', options: { degree: 1 } }); // c0 + c1·(vs − vd)
const tunnel = catalog.require('tunnel-diode');
const tunnelDefaults = tunnel.definition.meta.params.map((p) => p.init as number);

/** A Thevenin bias into node 1: current G·(vb − v1), written as the polynomial c0 + c1·(0 − v1) from ground. */
const bias = (vb: number, g: number) => ({ type: source, src: [0], dst: [1], params: [g * vb, g] });

describe('DC operating point', () => {
  it('solves a resistive circuit exactly (1 A into 2 S and 1 S in series to ground)', () => {
    // Node 1: 1 A in, 2 S to node 2; node 2: 1 S to ground. v2 = 1 V, v1 = v2 + 0.5 V.
    const circuit = unwrap(
      createCircuit({
        numNodes: 2,
        groups: [
          { type: source, src: [0], dst: [1], params: [1, 0] },
          { type: conductance, src: [1, 2], dst: [2, 0], params: [2, 1] },
        ],
      }),
    );
    const op = operatingPoint(circuit);
    expect(op.method).toBe('newton');
    expect(op.voltages[0]).toBeCloseTo(1.5, 12);
    expect(op.voltages[1]).toBeCloseTo(1, 12);
  });

  it('finds the NDR-region point of a biased tunnel diode and the stability report flags it', () => {
    const g = 1e-3; // shallower than the steepest NDR (−3.68 mS): three crossings
    const vAt = 0.2;
    const iAt = tunnel.law.evaluateAt([vAt, 0], tunnelDefaults).currents[0];
    const vb = vAt + iAt / g;
    const circuit = unwrap(createCircuit({ numNodes: 1, groups: [bias(vb, g), { type: tunnel, src: [1], dst: [0], params: tunnelDefaults }] }));
    const op = operatingPoint(circuit, { initial: Float64Array.of(0.21) });
    const v = op.voltages[0];
    // Independent check on the solution: the device current equals the load line's.
    const device = tunnel.law.evaluateAt([v, 0], tunnelDefaults).currents[0];
    expect(Math.abs(device - g * (vb - v))).toBeLessThan(1e-12);
    expect(v).toBeCloseTo(0.2, 6);
    const report = stabilityAt(circuit, op.voltages);
    expect(report.stable).toBe(false);
    expect(report.maxRealPart!).toBeGreaterThan(0);
    expect(report.flaggedNodes).toEqual([expect.objectContaining({ node: 1, ndrBranches: 1 })]);
  });

  it('finds a stable point on the positive-resistance branch and calls it stable', () => {
    const circuit = unwrap(createCircuit({ numNodes: 1, groups: [bias(0.05, 1e-2), { type: tunnel, src: [1], dst: [0], params: tunnelDefaults }] }));
    const op = operatingPoint(circuit);
    const report = stabilityAt(circuit, op.voltages);
    expect(report).toMatchObject({ stable: true, flaggedNodes: [] });
  });

  it('reports a circuit with no DC solution (a current source into an isolated node), naming the node', () => {
    const circuit = unwrap(createCircuit({ numNodes: 2, groups: [{ type: source, src: [0], dst: [2], params: [1, 0] }, { type: conductance, src: [1], dst: [0], params: [1] }] }));
    let error: unknown;
    try {
      operatingPoint(circuit);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KirchhoffError);
    expect((error as KirchhoffError).code).toBe('newton-failure');
    expect((error as Error).message).toContain('node 2');
  });
});
