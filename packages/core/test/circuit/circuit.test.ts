import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { createCircuit } from '../../src/circuit/circuit';
import { testType } from '../helpers';

const type = testType('g * (vs - vd)', ['g'], 'delta');

describe('createCircuit', () => {
  it('names a branch that references a node outside the circuit', () => {
    const result = createCircuit({ numNodes: 5, groups: [{ type, src: [1, 2], dst: [2, 9], params: [1, 1] }] });
    expect(E.isLeft(result)).toBe(true);
    if (E.isLeft(result)) {
      expect(result.left[0]).toMatchObject({ code: 'node-out-of-range', where: 'circuit.branches[0].edges[1]' });
      expect(result.left[0].message).toContain('destination node 9 does not exist: nodes are 0 (ground) to 5');
    }
  });

  it('rejects a negative capacitance, naming the node', () => {
    const result = createCircuit({ numNodes: 3, capacitance: [1, -2, 1], groups: [] });
    expect(E.isLeft(result) && result.left[0]).toMatchObject({ code: 'negative-capacitance', where: 'circuit.capacitance[1]' });
    expect(E.isLeft(result) && result.left[0].message).toContain('node 2');
  });

  it('collects every problem: self-loops, parameter counts, capacitance length', () => {
    const result = createCircuit({
      numNodes: 3,
      capacitance: [1, 1],
      groups: [
        { type, src: [1], dst: [1], params: [1] },
        { type, src: [1, 2], dst: [2, 3], params: [1] },
      ],
    });
    expect(E.isLeft(result) && result.left.map((i) => i.code)).toEqual(['capacitance-length', 'self-loop', 'param-count']);
  });

  it('keeps ground (node 0) as a valid end and copies inputs', () => {
    const src = [0, 1];
    const result = createCircuit({ numNodes: 1, groups: [{ type, src, dst: [1, 0], params: [0.5, 2] }] });
    expect(E.isRight(result)).toBe(true);
    if (E.isRight(result)) {
      src[0] = 7;
      expect(Array.from(result.right.groups[0].src)).toEqual([0, 1]);
      expect(Array.from(result.right.capacitance)).toEqual([1]);
    }
  });
});
