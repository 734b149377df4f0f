import { explicitRk } from './explicit-rk';
import { polynomialInterpolation } from './interpolation';
import { ButcherTableau } from './tableau';

/**
 * The classical fourth-order Runge–Kutta method (Kutta 1901), with its third-order continuous
 * extension b1(θ) = θ − 3θ²/2 + 2θ³/3, b2(θ) = b3(θ) = θ² − 2θ³/3, b4(θ) = −θ²/2 + 2θ³/3
 * (Hairer, Nørsett & Wanner, Solving ODEs I, §II.6). Note: torchdiffeq's 'rk4' is Kutta's 3/8 rule.
 */
export const rk4 = explicitRk({
  name: 'rk4',
  aliases: ['RK4'],
  description: 'Classical Runge–Kutta 4: fourth order, four evaluations per step, third-order dense output',
  citation: 'W. Kutta, Z. Math. Phys. 46 (1901) 435–453',
  tableau: ButcherTableau.define('rk4', {
    c: [0, 1 / 2, 1 / 2, 1],
    a: [[], [1 / 2], [0, 1 / 2], [0, 0, 1]],
    b: [1 / 6, 1 / 3, 1 / 3, 1 / 6],
    order: 4,
  }),
  interpolation: polynomialInterpolation(3, [
    [1, -3 / 2, 2 / 3],
    [0, 1, -2 / 3],
    [0, 1, -2 / 3],
    [0, -1 / 2, 2 / 3],
  ]),
  defaultController: 'constant',
});
