import { explicitRk } from './explicit-rk';
import { polynomialInterpolation } from './interpolation';
import { ButcherTableau } from './tableau';

/**
 * Tsitouras 5(4), FSAL, with its free 4th-order interpolant.
 *
 * Ch. Tsitouras, "Runge–Kutta pairs of order 5(4) satisfying only the first column simplifying
 * assumption", Computers & Mathematics with Applications 62 (2011) 770–775. Coefficients as
 * published and as used by DifferentialEquations.jl (Tsit5) and diffrax (`_solver/tsit5.py`).
 */
// Coefficients to 25 significant digits (from the high-precision values diffrax lists), so that
// every literal rounds to the nearest double.
const b = [
  0.09646076681806522951816731, 0.01, 0.4798896504144995747752495, 1.379008574103741893192275,
  -3.290069515436080679901048, 2.324710524099773982415356, 0,
];

const tableau = ButcherTableau.define('tsit5', {
  c: [0, 0.161, 0.327, 0.9, 0.9800255409045096857298103, 1, 1],
  a: [
    [],
    [0.161],
    [-0.008480655492356988544426874, 0.3354806554923569885444269],
    [2.897153057105493432130433, -6.359448489975074843148160, 4.362295432869581411017727],
    [5.325864828439256604428878, -11.74888356406282787774717, 7.495539342889836208304605, -0.09249506636175524925650208],
    [
      5.861455442946420028659251, -12.92096931784710929170612, 8.159367898576158643180401, -0.07158497328140099722453054,
      -0.02826905039406838290900306,
    ],
    b.slice(0, 6),
  ],
  b,
  bHat: [
    0.09468075576583945807478876, 0.009183565540343253096776364, 0.4877705284247615707855643, 1.234297566930478985655110,
    -2.707712349983525454881110, 1.866628418170587035753719, 1 / 66,
  ],
  order: 5,
  embeddedOrder: 4,
});

/** b_i(θ) = r_i1·θ + r_i2·θ² + r_i3·θ³ + r_i4·θ⁴ (Tsitouras 2011, the "free" interpolant). */
const interpolation = polynomialInterpolation(4, [
  [1, -2.763706197274826, 2.9132554618219126, -1.0530884977290216],
  [0, 0.1317, -0.2234, 0.1017],
  [0, 3.9302962368947516, -5.941033872131505, 2.490627285651253],
  [0, -12.411077166933676, 30.33818863028232, -16.548102889244902],
  [0, 37.50931341651104, -88.1789048947664, 47.37952196281928],
  [0, -27.896526289197286, 65.09189467479366, -34.87065786149661],
  [0, 1.5, -4, 2.5],
]);

export const tsit5 = explicitRk({
  name: 'tsit5',
  aliases: ['Tsit5'],
  description: 'Tsitouras 5(4), FSAL, free 4th-order dense output; a slightly cheaper-per-accuracy alternative to dopri5',
  citation: 'Tsitouras 2011, Comput. Math. Appl. 62:770–775',
  tableau,
  interpolation,
  defaultController: 'pi',
  // Tsitouras minimised the principal error coefficients, so at testable step sizes the next term
  // still shows: measured global orders run 5.2–5.7 before round-off takes over.
  tolerance: { orderSlack: 0.75, errorPerTolerance: 100 },
});
