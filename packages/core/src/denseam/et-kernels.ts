/**
 * Small dense products on node-major, batch-innermost buffers (row r of x at x[off + r·B + b]), for the
 * parity ET's specialised Euler path. Measured on this machine's JIT: a batch-innermost axpy
 * (out[b] += w·x[b], a load and a store of out per multiply–add) runs at ~3–4 ns per multiply–add, one
 * running sum at ~2 (the add's latency); a block of 4 rows × 2 samples of independent sums, sharing
 * every load, at ~0.65. Both products below are written in that block shape, with the leftover rows
 * and samples done one at a time.
 */

/** out[r] += Σ_c W[r·C + c]·x[c], each a B-vector, for r < R. */
export function matmulAdd(W: Float64Array, R: number, C: number, x: Float64Array, xOff: number, B: number, out: Float64Array, outOff: number): void {
  const B2 = B - (B % 2);
  let r = 0;
  for (; r + 3 < R; r += 4) {
    const w0 = r * C;
    const w1 = w0 + C;
    const w2 = w1 + C;
    const w3 = w2 + C;
    const o0 = outOff + r * B;
    const o1 = o0 + B;
    const o2 = o1 + B;
    const o3 = o2 + B;
    for (let b = 0; b < B2; b += 2) {
      let s0 = out[o0 + b];
      let s1 = out[o1 + b];
      let s2 = out[o2 + b];
      let s3 = out[o3 + b];
      let t0 = out[o0 + b + 1];
      let t1 = out[o1 + b + 1];
      let t2 = out[o2 + b + 1];
      let t3 = out[o3 + b + 1];
      for (let c = 0, i = xOff + b; c < C; c++, i += B) {
        const xs = x[i];
        const xt = x[i + 1];
        const a0 = W[w0 + c];
        const a1 = W[w1 + c];
        const a2 = W[w2 + c];
        const a3 = W[w3 + c];
        s0 += a0 * xs;
        s1 += a1 * xs;
        s2 += a2 * xs;
        s3 += a3 * xs;
        t0 += a0 * xt;
        t1 += a1 * xt;
        t2 += a2 * xt;
        t3 += a3 * xt;
      }
      out[o0 + b] = s0;
      out[o1 + b] = s1;
      out[o2 + b] = s2;
      out[o3 + b] = s3;
      out[o0 + b + 1] = t0;
      out[o1 + b + 1] = t1;
      out[o2 + b + 1] = t2;
      out[o3 + b + 1] = t3;
    }
    for (let b = B2; b < B; b++) for (let q = 0; q < 4; q++) out[o0 + q * B + b] += dot(W, w0 + q * C, C, x, xOff + b, B);
  }
  for (; r < R; r++) {
    const o0 = outOff + r * B;
    for (let b = 0; b < B; b++) out[o0 + b] += dot(W, r * C, C, x, xOff + b, B);
  }
}

function dot(W: Float64Array, w: number, C: number, x: Float64Array, i: number, B: number): number {
  let s = 0;
  for (let c = 0; c < C; c++, i += B) s += W[w + c] * x[i];
  return s;
}

/** G[r·C + c] += Σ_b (X1[r]·Y1[c] + X2[r]·Y2[c]) over the batch, for r < R, c < C (a weight gradient). */
export function outer2(
  G: Float64Array,
  R: number,
  C: number,
  X1: Float64Array,
  x1Off: number,
  Y1: Float64Array,
  y1Off: number,
  X2: Float64Array,
  x2Off: number,
  Y2: Float64Array,
  y2Off: number,
  B: number,
): void {
  const pair = (r: number, c: number) => {
    let s = 0;
    for (let b = 0, a1 = x1Off + r * B, a2 = x2Off + r * B, p1 = y1Off + c * B, p2 = y2Off + c * B; b < B; b++) s += X1[a1 + b] * Y1[p1 + b] + X2[a2 + b] * Y2[p2 + b];
    return s;
  };
  let r = 0;
  for (; r + 1 < R; r += 2) {
    const a1 = x1Off + r * B;
    const a2 = x2Off + r * B;
    let c = 0;
    for (; c + 3 < C; c += 4) {
      const p1 = y1Off + c * B;
      const p2 = y2Off + c * B;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      for (let b = 0; b < B; b++) {
        const u1 = X1[a1 + b];
        const u2 = X2[a2 + b];
        const v1 = X1[a1 + B + b];
        const v2 = X2[a2 + B + b];
        const y10 = Y1[p1 + b];
        const y11 = Y1[p1 + B + b];
        const y12 = Y1[p1 + 2 * B + b];
        const y13 = Y1[p1 + 3 * B + b];
        const y20 = Y2[p2 + b];
        const y21 = Y2[p2 + B + b];
        const y22 = Y2[p2 + 2 * B + b];
        const y23 = Y2[p2 + 3 * B + b];
        s0 += u1 * y10 + u2 * y20;
        s1 += u1 * y11 + u2 * y21;
        s2 += u1 * y12 + u2 * y22;
        s3 += u1 * y13 + u2 * y23;
        t0 += v1 * y10 + v2 * y20;
        t1 += v1 * y11 + v2 * y21;
        t2 += v1 * y12 + v2 * y22;
        t3 += v1 * y13 + v2 * y23;
      }
      const g = r * C + c;
      G[g] += s0;
      G[g + 1] += s1;
      G[g + 2] += s2;
      G[g + 3] += s3;
      G[g + C] += t0;
      G[g + C + 1] += t1;
      G[g + C + 2] += t2;
      G[g + C + 3] += t3;
    }
    for (; c < C; c++) {
      G[r * C + c] += pair(r, c);
      G[(r + 1) * C + c] += pair(r + 1, c);
    }
  }
  for (; r < R; r++) for (let c = 0; c < C; c++) G[r * C + c] += pair(r, c);
}
