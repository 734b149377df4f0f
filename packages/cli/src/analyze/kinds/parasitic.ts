import { addCapacitance } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { evaluateNetwork, measurePerturbed, type AnalysisKind } from '../kind';

/**
 * A parasitic capacitance C_p to ground at every node: C_n ← C_n + C_p (model farads; with the usual
 * C = 1 F it is also the relative increase). Deterministic. On a uniform C it is a time scale: the network
 * reads at T·C/(C + C_p) of its nominal time, the fact the tests check against `readout-time`.
 */
export const parasitic: AnalysisKind = {
  name: 'parasitic',
  description: 'a parasitic capacitance C_p added to every node (C + C_p, model farads), over C_p',
  title: 'Accuracy under parasitic capacitance',
  setting: {
    option: '--capacitance',
    column: 'parasitic',
    symbol: 'C_p',
    axisTitle: 'parasitic capacitance C_p per node (F, model units)',
    defaults: [0, 0.01, 0.05, 0.1, 0.2, 0.5],
    check: (value) => (Number.isFinite(value) && value >= 0 ? undefined : `a parasitic capacitance must be a number ≥ 0 (farads), got ${value}`),
  },
  seeded: false,
  uses: [],
  identity: 0,
  series: () => 'parasitic',
  describe: () => 'C_n ← C_n + C_p at every node of every slice',
  prepare: (context) =>
    E.right({
      baseline: () => evaluateNetwork(context),
      measure: (extra: number) =>
        measurePerturbed(context, () => {
          addCapacitance(context.network, context.snapshot, extra);
        }),
    }),
};
