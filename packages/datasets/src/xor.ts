import { defineSynthetic } from './synthetic';

/** Points around the four corners (±1, ±1); class 1 where the signs differ (exclusive or). */
export const xor = defineSynthetic({
  name: 'xor',
  meta: { task: 'classification', inputDim: 2, outputDim: 2, description: 'noisy XOR of the coordinate signs', source: 'synthetic' },
  defaultCount: 1024,
  options: { noise: ['standard deviation around each corner', 0.2] },
  sample(rng, count, { noise }, inputs, targets) {
    for (let i = 0; i < count; i++) {
      const a = rng.uniform() < 0.5 ? -1 : 1;
      const b = rng.uniform() < 0.5 ? -1 : 1;
      inputs[2 * i] = a + noise * rng.normal();
      inputs[2 * i + 1] = b + noise * rng.normal();
      targets[i] = a === b ? 0 : 1;
    }
  },
});
