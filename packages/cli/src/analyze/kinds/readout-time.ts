import { withReadoutDelay } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { evaluateNetwork, optionIssue, type AnalysisKind } from '../kind';

/**
 * Finite readout time: the outputs are read at T + δ instead of T, by running the last slice for its
 * duration + δ (earlier slices unchanged; δ < 0 reads early, δ > 0 late). Each δ is an exact evaluation
 * of the model with that last-slice duration, the same numbers `kirchhoff eval` gives for a config whose
 * last slice lasts duration + δ. Deterministic.
 */
export const readoutTime: AnalysisKind = {
  name: 'readout-time',
  description: 'outputs read at T + δ (the last slice runs for its duration + δ; δ < 0 reads early), over δ',
  title: 'Accuracy against readout time',
  setting: {
    option: '--delta',
    column: 'delta',
    symbol: 'δ',
    axisTitle: 'δ: readout at T + δ (model time units)',
    defaults: [-0.2, -0.1, -0.05, 0, 0.05, 0.1, 0.2],
    check: (value) => (Number.isFinite(value) ? undefined : `δ must be a number, got ${value}`),
  },
  seeded: false,
  uses: [],
  identity: 0,
  series: () => 'readout time',
  describe: () => 'outputs read at T + δ: the last slice runs for its duration + δ, earlier slices unchanged',
  prepare(context, settings) {
    const slices = context.network.model.slices;
    const last = slices[slices.length - 1].duration;
    const early = settings.values.filter((delta) => !(last + delta > 0));
    if (early.length) {
      return E.left([
        optionIssue(
          '--delta',
          'invalid-readout-delay',
          `δ = ${early.join(', ')} would end the last slice (slice ${slices.length - 1}, duration ${last}) before it starts: every δ must be > −${last}`,
        ),
      ]);
    }
    return E.right({
      baseline: () => evaluateNetwork(context),
      measure: (delta: number) => evaluateNetwork(context, withReadoutDelay(context.network, delta)),
    });
  },
};
