import * as E from 'fp-ts/Either';
import { defineBranch, defineBranchFamily, type BranchType } from '@kirchhoff/core';

export interface PolynomialOptions {
  readonly degree?: number;
}

const MAX_DEGREE = 20;

/** I = Σ_{k=0..n} c_k·(vs − vd)^k, one branch type per degree: `polynomial-<n>`. */
export const polynomial = defineBranchFamily<PolynomialOptions>({
  name: 'polynomial',
  meta: {
    description: 'Σ c_k·(vs − vd)^k for k = 0..degree: a polynomial two-terminal device',
    options: { degree: `polynomial degree, a whole number from 1 to ${MAX_DEGREE} (default 3)` },
  },
  create({ degree = 3 }) {
    if (!Number.isInteger(degree) || degree < 1 || degree > MAX_DEGREE) {
      return E.left([{ code: 'invalid-option', where: 'branch family polynomial', message: `degree must be a whole number from 1 to ${MAX_DEGREE}, got ${degree}` }]);
    }
    const terms = Array.from({ length: degree + 1 }, (_, k) => (k === 0 ? 'c0' : k === 1 ? 'c1 * x' : `c${k} * x ^ ${k}`));
    const branch: BranchType = defineBranch({
      name: `polynomial-${degree}`,
      meta: {
        description: `polynomial of degree ${degree} in vs − vd`,
        params: Array.from({ length: degree + 1 }, (_, k) => ({ name: `c${k}`, description: `coefficient of (vs − vd)^${k} (A/V^${k})` })),
        kind: 'delta',
        init: 'kaiming-normal',
        docsUrl: 'packages/branches/docs/polynomial.md',
      },
      // Horner form would save multiplications but the compiler already shares x and its powers.
      current: terms.join(' + ').replace(/x/g, '(vs - vd)'),
    });
    return E.right(branch);
  },
});
