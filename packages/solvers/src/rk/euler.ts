import { explicitRk } from './explicit-rk';
import { polynomialInterpolation } from './interpolation';
import { ButcherTableau } from './tableau';

/** Forward Euler, y1 = y0 + dt·f(t0, y0), with linear dense output. Euler 1768; any numerical-analysis text. */
export const euler = explicitRk({
  name: 'euler',
  description: 'Forward Euler: first order, one evaluation per step, linear dense output',
  citation: 'L. Euler, Institutionum calculi integralis (1768)',
  tableau: ButcherTableau.define('euler', { c: [0], a: [[]], b: [1], order: 1 }),
  interpolation: polynomialInterpolation(1, [[1]]),
  defaultController: 'constant',
});
