import { defineSynthetic } from './synthetic';

/** Two interleaved Archimedean spirals, one per class, scaled into roughly [−1, 1]². */
export const spirals = defineSynthetic({
  name: 'spirals',
  meta: { task: 'classification', inputDim: 2, outputDim: 2, description: 'two interleaved spirals', source: 'the classic two-spirals benchmark (Lang & Witbrock, 1988), continuous form' },
  defaultCount: 4096,
  options: { noise: ['standard deviation of the Gaussian noise', 0.05], turns: ['turns of each spiral', 1.5] },
  sample(rng, count, { noise, turns }, inputs, targets) {
    for (let i = 0; i < count; i++) {
      const cls = i % 2;
      const u = Math.sqrt(rng.uniform()); // uniform density along the arc
      const angle = u * turns * 2 * Math.PI + cls * Math.PI;
      inputs[2 * i] = u * Math.cos(angle) + noise * rng.normal();
      inputs[2 * i + 1] = u * Math.sin(angle) + noise * rng.normal();
      targets[i] = cls;
    }
  },
});
