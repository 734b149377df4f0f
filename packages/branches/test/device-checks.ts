import { BranchCatalog, createKirchhoffContainer, type CompiledBranchType } from '@kirchhoff/core';
import { expect } from 'vitest';
import { registerBranches } from '../src/register';

/** A branch type as the registry compiles it, so these tests also cover registration. */
export function registeredType(name: string): CompiledBranchType {
  const container = createKirchhoffContainer();
  registerBranches(container);
  return container.resolve(BranchCatalog).require(name);
}

/**
 * Each partial against its own finite difference, relative to its own size. BranchTester scales every
 * error by the largest partial at the point, and for a diode ∂I/∂is ~ e^{V/vt} dwarfs the rest, so this
 * check is what holds the smaller partials to account. Fourth-order central differences with a step
 * relative to each input resolve ~1e-9 of a smooth law.
 */
export function expectPartialsMatch(type: CompiledBranchType, points: readonly { vs: number; vd: number; theta: readonly number[] }[], tolerance = 1e-6): void {
  for (const { vs, vd, theta } of points) {
    const x = [vs, vd, ...theta];
    const f = (z: number[]) => type.law.evaluateAt([z[0], z[1]], z.slice(2)).currents[0];
    const at = type.law.evaluateAt([vs, vd], theta);
    const symbolic = [...at.dV, ...at.dTheta];
    x.forEach((xi, k) => {
      const h = 1e-4 * Math.max(Math.abs(xi), 1e-3);
      const shifted = (d: number) => f(x.map((z, j) => (j === k ? z + d : z)));
      const numeric = (8 * (shifted(h) - shifted(-h)) - (shifted(2 * h) - shifted(-2 * h))) / (12 * h);
      // Rounding of I itself, amplified by 1/h, is the floor any difference quotient can reach.
      const floor = (1e-15 * Math.abs(at.currents[0])) / h;
      const label = `∂I/∂${k === 0 ? 'vs' : k === 1 ? 'vd' : type.paramNames[k - 2]} at vs=${vs}, vd=${vd}`;
      expect(Math.abs(symbolic[k] - numeric), label).toBeLessThanOrEqual(tolerance * Math.abs(numeric) + 100 * floor);
    });
  }
}
