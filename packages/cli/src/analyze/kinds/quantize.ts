import { quantizeParameters, type ParamRowFilter } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { evaluateNetwork, measurePerturbed, type AnalysisKind } from '../kind';
import { rowsText, selectParamRows } from '../param-rows';

/** Above 53 bits a float64 parameter is its own quantisation: more bits change nothing. */
const MAX_BITS = 53;

/**
 * A conductance DAC's resolution: each selected parameter row of each slice is rounded to 2^(k−1) − 1
 * levels either side of zero over its own symmetric range [−max|θ|, max|θ|] (`quantizeSymmetric`): a row
 * is one device parameter of one layer, which one DAC reference would serve. Deterministic (no seeds).
 */
export const quantize: AnalysisKind = {
  name: 'quantize',
  description: 'parameters quantised to k bits (symmetric mid-tread, one range per parameter row and slice)',
  title: 'Accuracy under parameter quantisation',
  setting: {
    option: '--bits',
    column: 'bits',
    symbol: 'bits',
    axisTitle: 'bits per parameter (signed, symmetric range per row and slice)',
    defaults: [4, 6, 8, 10, 12],
    integer: true,
    check: (value) => (Number.isInteger(value) && value >= 2 && value <= MAX_BITS ? undefined : `bits must be a whole number in 2..${MAX_BITS}, got ${value}`),
  },
  seeded: false,
  uses: ['param'],
  series: (s) => (s.param === undefined ? 'quantised' : `quantised ${s.param}`),
  describe: (s) => `θ rounded to 2^(k−1) − 1 levels each side of 0 over [−max|θ|, max|θ|] of each row, on ${rowsText(s.param)} of every slice`,
  prepare: (context, settings) =>
    E.map((select: ParamRowFilter) => ({
      baseline: () => evaluateNetwork(context),
      measure: (bits: number) =>
        measurePerturbed(context, () => {
          quantizeParameters(context.network, context.snapshot, bits, select);
        }),
    }))(selectParamRows(context.network, settings.param)),
};
