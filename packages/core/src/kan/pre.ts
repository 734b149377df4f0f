/**
 * KANalogue's input pre-functions, applied to every input of a layer before its bases:
 * none, clamp to [0, 1.4] ("PosHC"), hardtanh to [−1, 1] ("NegHC"), sigmoid, tanh.
 */
export const PRE_FUNCTIONS = ['none', 'clamp', 'hardtanh', 'sigmoid', 'tanh'] as const;
export type PreFunction = (typeof PRE_FUNCTIONS)[number];

/** KANalogue's PosHC upper bound. */
export const CLAMP_HIGH = 1.4;

/** out[k] = pre(x[k]) and, when given, slope[k] = pre′(x[k]) (0 at and beyond a clamp's bounds, as torch's hardtanh). */
export function applyPre(pre: PreFunction, x: Float64Array, count: number, out: Float64Array, slope: Float64Array | null): void {
  switch (pre) {
    case 'none':
      out.set(x.subarray(0, count));
      if (slope) slope.fill(1, 0, count);
      return;
    case 'clamp':
    case 'hardtanh': {
      const [low, high] = pre === 'clamp' ? [0, CLAMP_HIGH] : [-1, 1];
      for (let k = 0; k < count; k++) out[k] = x[k] < low ? low : x[k] > high ? high : x[k];
      if (slope) for (let k = 0; k < count; k++) slope[k] = x[k] > low && x[k] < high ? 1 : 0;
      return;
    }
    case 'sigmoid':
      for (let k = 0; k < count; k++) out[k] = 1 / (1 + Math.exp(-x[k]));
      if (slope) for (let k = 0; k < count; k++) slope[k] = out[k] * (1 - out[k]);
      return;
    case 'tanh':
      for (let k = 0; k < count; k++) out[k] = Math.tanh(x[k]);
      if (slope) for (let k = 0; k < count; k++) slope[k] = 1 - out[k] * out[k];
      return;
  }
}

/** The pre-function as a closed-form expression (mathjs syntax) of `variable`. */
export function preExpression(pre: PreFunction, variable: string): string {
  switch (pre) {
    case 'none':
      return variable;
    case 'clamp':
      return `min(${CLAMP_HIGH}, max(0, ${variable}))`;
    case 'hardtanh':
      return `min(1, max(-1, ${variable}))`;
    case 'sigmoid':
      return `1 / (1 + exp(-(${variable})))`;
    case 'tanh':
      return `tanh(${variable})`;
  }
}
