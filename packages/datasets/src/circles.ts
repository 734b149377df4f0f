import { defineSynthetic } from './synthetic';

/** scikit-learn's make_circles: an outer circle (class 0, radius 1) and an inner one (class 1, radius `factor`). */
export const circles = defineSynthetic({
  name: 'circles',
  meta: { task: 'classification', inputDim: 2, outputDim: 2, description: 'two concentric circles', source: 'scikit-learn make_circles geometry' },
  defaultCount: 4096,
  options: { noise: ['standard deviation of the Gaussian noise', 0.06], factor: ['inner radius relative to the outer', 0.5] },
  sample(rng, count, { noise, factor }, inputs, targets) {
    const outer = Math.floor(count / 2);
    const order = rng.shuffle(Int32Array.from({ length: count }, (_, i) => i));
    for (let i = 0; i < count; i++) {
      const isOuter = i < outer;
      const k = isOuter ? i : i - outer;
      const n = isOuter ? outer : count - outer;
      const s = (2 * Math.PI * k) / n;
      const r = isOuter ? 1 : factor;
      const row = order[i];
      inputs[2 * row] = r * Math.cos(s) + noise * rng.normal();
      inputs[2 * row + 1] = r * Math.sin(s) + noise * rng.normal();
      targets[row] = isOuter ? 0 : 1;
    }
  },
});
