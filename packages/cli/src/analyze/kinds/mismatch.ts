import { perturbParameters, Rng, type ParamRowFilter } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { evaluateNetwork, measurePerturbed, type AnalysisKind } from '../kind';
import { rowsText, selectParamRows } from '../param-rows';
import { checkSigma, SIGMA_DEFAULTS } from './sigma';

/**
 * Device mismatch: every entry of the selected parameter rows (all slices) becomes θ·(1 + σ·n), n a
 * fresh unit-variance draw per entry (KANalogue's conductance-variation study, on a KirchhoffNet). A
 * seed fixes the unit draws n, so the σ of one seed scale the same pattern of mismatch.
 */
export const mismatch: AnalysisKind = {
  name: 'mismatch',
  description: 'parameter mismatch θ·(1 + σ·n) per branch, n Gaussian, uniform or ±1 (unit variance), over σ and seeds',
  title: 'Accuracy under parameter mismatch',
  setting: { option: '--sigma', column: 'sigma', symbol: 'σ', axisTitle: 'σ (relative parameter mismatch)', defaults: SIGMA_DEFAULTS, check: checkSigma },
  seeded: true,
  uses: ['distribution', 'param'],
  identity: 0,
  series: (s) => `${s.distribution}${s.param === undefined ? '' : ` ${s.param}`}`,
  describe: (s) => `θ ← θ·(1 + σ·n), n ${s.distribution} with unit variance, one draw per branch on ${rowsText(s.param)} of every slice`,
  prepare: (context, settings) =>
    E.map((select: ParamRowFilter) => ({
      baseline: () => evaluateNetwork(context),
      measure: (sigma: number, seed: number) =>
        measurePerturbed(context, () => {
          perturbParameters(context.network, context.snapshot, sigma, settings.distribution, new Rng(seed), select);
        }),
    }))(selectParamRows(context.network, settings.param)),
};
