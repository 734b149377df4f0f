import { describe, expect, it } from 'vitest';
import { randomEdges } from '@kirchhoff/core/testing';
import { createCircuit, Rng, verifyAdjointTopology, type Circuit } from '@kirchhoff/core';
import { branchFamilies, branchTypes } from '@kirchhoff/branches';
import { builtinContainer, catalogOf, unwrap } from './support/kirchhoff-context';

/**
 * The same-topology theorem for every registered branch type (and a family member): the adjoint circuit
 * has the forward nodes, capacitors and edges, Δ-type branches become plain conductances, and its
 * right-hand side equals Jᵀa from a finite-difference Jacobian. Kinked laws are checked at random states,
 * where a kink inside the difference stencil has probability ~1e-6.
 */
const catalog = catalogOf(builtinContainer());

function randomCircuit(typeName: string | { family: string; options: Record<string, unknown> }, seed: number): Circuit {
  const rng = new Rng(seed);
  const type = catalog.require(typeName);
  const N = 4;
  const edges = 10;
  const { src, dst } = randomEdges(rng, N, edges);
  const params = type.definition.meta.params.flatMap((p) =>
    Array.from({ length: edges }, () => (typeof p.init === 'number' ? p.init * (1 + 0.1 * rng.normal()) : 0.5 * rng.normal())),
  );
  return unwrap(createCircuit({ numNodes: N, capacitance: [1, 2, 0.5, 1.5], groups: [{ type, src, dst, params }] }));
}

describe('adjoint circuit: same topology', () => {
  const types = [...branchTypes.map((t) => t.name), ...branchFamilies.map((f) => ({ family: f.name, options: {} }))];
  it.each(types.map((t) => [typeof t === 'string' ? t : t.family, t] as const))('%s', (_, type) => {
    const report = verifyAdjointTopology(randomCircuit(type, 3));
    expect(report.sameTopology).toBe(true);
    expect(report.deltaBranchesAreConductances).toBe(true);
    expect(report.maxRelativeError).toBeLessThan(1e-6);
  });

  it('holds for every slice of a time-sliced model with a different device per slice', () => {
    const slices = ['shift-relu-1', 'shift-tanh-2', 'scaled-tanh'].map((name, i) => randomCircuit(name, 20 + i));
    for (const circuit of slices) {
      const report = verifyAdjointTopology(circuit);
      expect(report).toMatchObject({ sameTopology: true, deltaBranchesAreConductances: true });
      expect(report.maxRelativeError).toBeLessThan(1e-6);
    }
  });

  it('fails when the Jacobian does not match (a deliberately mis-declared kind is caught too)', () => {
    const circuit = randomCircuit('shift-tanh-2', 4);
    // Claim a controlled law is Δ-type: the derived "conductances" then are not antisymmetric.
    const mislabelled = { ...circuit, groups: circuit.groups.map((g) => ({ ...g, type: { ...g.type, definition: { ...g.type.definition, meta: { ...g.type.definition.meta, kind: 'delta' as const } } } })) };
    expect(verifyAdjointTopology(mislabelled).deltaBranchesAreConductances).toBe(false);
  });
});
