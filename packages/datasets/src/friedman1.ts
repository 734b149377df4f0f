import { defineSynthetic } from './synthetic';

/**
 * Friedman #1 regression (Friedman, 1991; scikit-learn make_friedman1 with 5 features):
 * y = 10 sin(π x₁x₂) + 20 (x₃ − 0.5)² + 10 x₄ + 5 x₅ + noise, x uniform in [0, 1]⁵.
 */
export const friedman1 = defineSynthetic({
  name: 'friedman1',
  meta: { task: 'regression', inputDim: 5, outputDim: 1, description: 'Friedman #1 nonlinear regression', source: 'Friedman (1991), scikit-learn make_friedman1' },
  defaultCount: 2048,
  options: { noise: ['standard deviation of the additive noise on y', 0] },
  sample(rng, count, { noise }, inputs, targets) {
    for (let i = 0; i < count; i++) {
      const x = Array.from({ length: 5 }, () => rng.uniform());
      x.forEach((v, j) => (inputs[5 * i + j] = v));
      targets[i] = 10 * Math.sin(Math.PI * x[0] * x[1]) + 20 * (x[2] - 0.5) ** 2 + 10 * x[3] + 5 * x[4] + noise * rng.normal();
    }
  },
});
