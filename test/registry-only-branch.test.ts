import { describe, expect, it } from 'vitest';
import { BRANCH_TYPE, createCircuit, createModel, defineBranch, DERIVATIVE_RULE, simulateModel, type FunctionRule } from '@kirchhoff/core';
import { builtinContainer, catalogOf, setupOf, unwrap } from './support/kirchhoff-context';

/**
 * A branch type (and a function with its own derivative rule) that exist only as registrations in a
 * container: no edit to core or to the branches package. The circuit has a closed-form solution.
 */
const halfSquare: FunctionRule = {
  name: 'half_square',
  params: ['x'],
  definition: '0.5 * x * x',
  partials: ['x'],
  evaluate: (x) => 0.5 * x * x,
  description: 'x²/2',
};

// ½(x+1)² − ½(x−1)² = 2x, so this is a linear leak of conductance 2g, written through the new function.
const leak = defineBranch({
  name: 'my-leak',
  meta: { description: 'a leak written with a plugin function', params: [{ name: 'g' }], kind: 'delta' },
  current: 'g * (half_square(vs - vd + 1) - half_square(vs - vd - 1))',
});

describe('a branch type added through the registry only', () => {
  it('simulates v(t) = v0·exp(−2g t / C) on a node leaking to ground', () => {
    const container = builtinContainer();
    container.register(BRANCH_TYPE, { useValue: leak });
    container.register(DERIVATIVE_RULE, { useValue: halfSquare });
    const type = catalogOf(container).require('my-leak');
    const g = 0.75;
    const C = 2;
    const circuit = unwrap(createCircuit({ numNodes: 1, capacitance: C, groups: [{ type, src: [1], dst: [0], params: [g] }] }));
    const model = unwrap(createModel([{ duration: 0.5, circuit }, { duration: 1, circuit }]));
    const setup = setupOf(container, { name: 'dopri5', rtol: 1e-11, atol: 1e-12 });
    const input = Float64Array.of(1.5, -0.5);
    const result = simulateModel({ model, input, batch: 2, setup, saveAt: [0, 0.5, 1.2, 1.5] });
    result.times.forEach((t, k) => {
      for (let b = 0; b < 2; b++) expect(result.states[k][b]).toBeCloseTo(input[b] * Math.exp((-2 * g * t) / C), 9);
    });
  });
});
