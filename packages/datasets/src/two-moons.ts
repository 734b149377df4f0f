import { defineSynthetic } from './synthetic';

/**
 * scikit-learn's make_moons: the outer moon (class 0) is (cos s, sin s) and the inner (class 1) is
 * (1 − cos s, 1 − sin s − 0.5), s evenly spaced in [0, π], plus Gaussian noise, then shuffled. Same
 * geometry as the original's make_moons(4096, noise 0.1), drawn from our own PRNG (not numpy's).
 */
export const twoMoons = defineSynthetic({
  name: 'two-moons',
  meta: { task: 'classification', inputDim: 2, outputDim: 2, description: 'two interleaving half circles', source: 'scikit-learn make_moons geometry' },
  defaultCount: 4096,
  options: { noise: ['standard deviation of the Gaussian noise', 0.1] },
  sample(rng, count, { noise }, inputs, targets) {
    const outer = Math.floor(count / 2);
    const inner = count - outer;
    const order = rng.shuffle(Int32Array.from({ length: count }, (_, i) => i));
    for (let i = 0; i < count; i++) {
      const isOuter = i < outer;
      const k = isOuter ? i : i - outer;
      const span = (isOuter ? outer : inner) - 1;
      const s = span > 0 ? (Math.PI * k) / span : 0;
      const row = order[i];
      inputs[2 * row] = (isOuter ? Math.cos(s) : 1 - Math.cos(s)) + noise * rng.normal();
      inputs[2 * row + 1] = (isOuter ? Math.sin(s) : 1 - Math.sin(s) - 0.5) + noise * rng.normal();
      targets[row] = isOuter ? 0 : 1;
    }
  },
});
