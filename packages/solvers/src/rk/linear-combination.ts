/**
 * out = base + Σ_j (weights[j]·h)·k[indices[j]], or without base when it is undefined.
 *
 * The stage terms are summed first, in index order, and base added last — the order torchdiffeq's
 * `y0 + k.matmul(beta·dt)` uses — so rounding follows the original as closely as a scalar loop can.
 * One pass over the state, reading each stage once: a Runge–Kutta step is memory-bound on large
 * states, and a pass per stage would move two to three times the data.
 */
export function linearCombination(
  out: Float64Array,
  base: Float64Array | undefined,
  indices: Int32Array,
  weights: ArrayLike<number>,
  h: number,
  k: readonly Float64Array[],
): void {
  let count = 0;
  for (let j = 0; j < indices.length; j++) {
    const w = weights[j] * h;
    if (w === 0) continue;
    terms[count] = k[indices[j]];
    scaled[count] = w;
    count++;
  }
  const n = out.length;
  const [k0, k1, k2, k3, k4, k5, k6] = terms;
  const [w0, w1, w2, w3, w4, w5, w6] = scaled;
  // One unrolled loop per term count: V8 keeps each monomorphic and register-allocated, about twice
  // as fast as a loop over the terms.
  switch (count) {
    case 0:
      if (base) out.set(base);
      else out.fill(0);
      return;
    case 1:
      if (base) for (let m = 0; m < n; m++) out[m] = base[m] + w0 * k0[m];
      else for (let m = 0; m < n; m++) out[m] = w0 * k0[m];
      return;
    case 2:
      if (base) for (let m = 0; m < n; m++) out[m] = base[m] + (w0 * k0[m] + w1 * k1[m]);
      else for (let m = 0; m < n; m++) out[m] = w0 * k0[m] + w1 * k1[m];
      return;
    case 3:
      if (base) for (let m = 0; m < n; m++) out[m] = base[m] + (w0 * k0[m] + w1 * k1[m] + w2 * k2[m]);
      else for (let m = 0; m < n; m++) out[m] = w0 * k0[m] + w1 * k1[m] + w2 * k2[m];
      return;
    case 4:
      if (base) for (let m = 0; m < n; m++) out[m] = base[m] + (w0 * k0[m] + w1 * k1[m] + w2 * k2[m] + w3 * k3[m]);
      else for (let m = 0; m < n; m++) out[m] = w0 * k0[m] + w1 * k1[m] + w2 * k2[m] + w3 * k3[m];
      return;
    case 5:
      if (base) for (let m = 0; m < n; m++) out[m] = base[m] + (w0 * k0[m] + w1 * k1[m] + w2 * k2[m] + w3 * k3[m] + w4 * k4[m]);
      else for (let m = 0; m < n; m++) out[m] = w0 * k0[m] + w1 * k1[m] + w2 * k2[m] + w3 * k3[m] + w4 * k4[m];
      return;
    case 6:
      if (base) {
        for (let m = 0; m < n; m++) out[m] = base[m] + (w0 * k0[m] + w1 * k1[m] + w2 * k2[m] + w3 * k3[m] + w4 * k4[m] + w5 * k5[m]);
      } else {
        for (let m = 0; m < n; m++) out[m] = w0 * k0[m] + w1 * k1[m] + w2 * k2[m] + w3 * k3[m] + w4 * k4[m] + w5 * k5[m];
      }
      return;
    case 7:
      if (base) {
        for (let m = 0; m < n; m++) {
          out[m] = base[m] + (w0 * k0[m] + w1 * k1[m] + w2 * k2[m] + w3 * k3[m] + w4 * k4[m] + w5 * k5[m] + w6 * k6[m]);
        }
      } else {
        for (let m = 0; m < n; m++) out[m] = w0 * k0[m] + w1 * k1[m] + w2 * k2[m] + w3 * k3[m] + w4 * k4[m] + w5 * k5[m] + w6 * k6[m];
      }
      return;
    default:
      for (let m = 0; m < n; m++) {
        let sum = scaled[0] * terms[0][m];
        for (let j = 1; j < count; j++) sum += scaled[j] * terms[j][m];
        out[m] = base ? base[m] + sum : sum;
      }
  }
}

/** Scratch for the selected stages and their scaled weights (methods here have at most 16 stages). */
const terms: Float64Array[] = [];
const scaled = new Float64Array(16);
