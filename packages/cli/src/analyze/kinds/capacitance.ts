import { perturbCapacitance, Rng } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { evaluateNetwork, measurePerturbed, type AnalysisKind } from '../kind';
import { checkSigma, SIGMA_DEFAULTS } from './sigma';

/**
 * No capacitor goes below this fraction of its nominal value: a wide draw (σ ≥ 1 for ±1 noise, the
 * Gaussian's tail) would otherwise remove it or make it negative, a circuit no solver can integrate.
 */
export const CAPACITANCE_FLOOR = 0.01;

/**
 * Capacitor mismatch: C_n ← C_n·max(1 + σ·n_n, 1 %), one draw per node, the same in every slice (they are
 * one circuit's capacitors). Time runs as t/C at each node, so this skews the nodes' time constants.
 */
export const capacitance: AnalysisKind = {
  name: 'capacitance',
  description: 'per-node capacitor mismatch C·(1 + σ·n), one draw per node shared by every slice, over σ and seeds',
  title: 'Accuracy under capacitor mismatch',
  setting: { option: '--sigma', column: 'sigma', symbol: 'σ', axisTitle: 'σ (relative capacitor mismatch)', defaults: SIGMA_DEFAULTS, check: checkSigma },
  seeded: true,
  uses: ['distribution'],
  identity: 0,
  extraColumns: ['clipped'],
  series: (s) => `${s.distribution} capacitance`,
  describe: (s) =>
    `C_n ← C_n·max(1 + σ·n_n, ${CAPACITANCE_FLOOR}), n ${s.distribution} with unit variance, one draw per node shared by every slice (column clipped: nodes held at the floor)`,
  prepare: (context, settings) =>
    E.right({
      baseline: () => ({ ...evaluateNetwork(context), extra: { clipped: 0 } }),
      measure: (sigma: number, seed: number) =>
        measurePerturbed(context, () => ({
          clipped: perturbCapacitance(context.network, context.snapshot, sigma, settings.distribution, new Rng(seed), CAPACITANCE_FLOOR),
        })),
    }),
};
