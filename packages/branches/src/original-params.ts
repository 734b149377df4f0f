import type { BranchParam } from '@kirchhoff/core';

/** Rows of the original's Δ-type devices (…1): θ₀ shifts the knee, θ₁ scales the current. */
export const shiftScaleParams: readonly BranchParam[] = [
  { name: 'theta0', description: 'shift (V)' },
  { name: 'theta1', description: 'scale (S)' },
];

/** Rows of the original's (vs, vd)-type devices (…2): act(θ₀·vs + θ₁·vd + θ₂). */
export const gainBiasParams: readonly BranchParam[] = [
  { name: 'theta0', description: 'source-voltage gain' },
  { name: 'theta1', description: 'destination-voltage gain' },
  { name: 'theta2', description: 'bias' },
];
