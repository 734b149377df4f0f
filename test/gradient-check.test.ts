import { describe, expect, it } from 'vitest';
import { backsolve, checkpointed, discrete, type AdjointMethod } from '@kirchhoff/core';
import { allTypeRefs, continuousError, discreteError, refName } from './support/gradient-problems';

/**
 * Gradient checks for every registered branch type on a random two-slice circuit (gradients cross a slice
 * boundary): the continuous adjoints at tight tolerance and the discrete adjoint against central finite
 * differences of the loss, error relative to the largest gradient. Smooth laws ≤ 1e-6; the ReLU family
 * ≤ 1e-3, because an adaptive solver's steps straddle kinks, where neither the continuous adjoint nor a
 * difference quotient is smooth (the fixture README measures 3e-4 – 7e-4 between the original's own two).
 * For the discrete adjoint the finite differences replay the forward pass's own step sequence.
 */
const kinked = (name: string) => name.includes('relu');

describe.each(allTypeRefs.map((ref) => [refName(ref), ref] as const))('gradients of %s', (name, ref) => {
  const tolerance = kinked(name) ? 1e-3 : 1e-6;

  it.each([backsolve, checkpointed] as AdjointMethod[])('$name adjoint vs finite differences', (method) => {
    expect(continuousError(ref, method)).toBeLessThanOrEqual(tolerance);
  });

  it('discrete adjoint vs finite differences over the same steps', () => {
    const { error, steps } = discreteError(ref, discrete);
    expect(steps).toBeGreaterThan(2);
    expect(error).toBeLessThanOrEqual(tolerance);
  });
});
