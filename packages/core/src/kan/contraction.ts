/**
 * The crossbar contraction of a KAN layer in plain loops: Y (B×O) = Φ (B×R) · C (R×O) + bias, with R =
 * n_in·D basis rows, all batch-major. The innermost loops run over the outputs, contiguous in C, Y and
 * ∂L/∂Y, and each pass folds four rows of C (forward) or four samples (backward) into one read-modify-write
 * of its target: V8 neither unrolls nor vectorises, and the fused form does a quarter of the loads and
 * stores (measured on Fashion-MNIST's first layer, R = 1568, O = 256, B = 64: 0.14 → 0.43 GMAC/s forward).
 */

export function contractForward(phi: Float64Array, B: number, R: number, C: Float64Array, bias: Float64Array, O: number, y: Float64Array): void {
  for (let b = 0; b < B; b++) {
    const yRow = b * O;
    const phiRow = b * R;
    y.set(bias, yRow);
    let r = 0;
    for (; r + 3 < R; r += 4) {
      const p0 = phi[phiRow + r];
      const p1 = phi[phiRow + r + 1];
      const p2 = phi[phiRow + r + 2];
      const p3 = phi[phiRow + r + 3];
      // Exact: four zero basis values (devices at 0 V, e.g. blank pixels) add nothing.
      if (p0 === 0 && p1 === 0 && p2 === 0 && p3 === 0) continue;
      const c0 = r * O;
      const c1 = c0 + O;
      const c2 = c1 + O;
      const c3 = c2 + O;
      for (let o = 0; o < O; o++) y[yRow + o] += p0 * C[c0 + o] + p1 * C[c1 + o] + p2 * C[c2 + o] + p3 * C[c3 + o];
    }
    for (; r < R; r++) {
      const p = phi[phiRow + r];
      const cRow = r * O;
      for (let o = 0; o < O; o++) y[yRow + o] += p * C[cRow + o];
    }
  }
}

/**
 * The backward pass: gC += Φᵀ·gY, gBias += Σ_b gY and, when `gPhi` is given, gΦ = gY·Cᵀ (overwritten).
 * Row by row of C, four samples at a time.
 */
export function contractBackward(
  phi: Float64Array, B: number, R: number, C: Float64Array, O: number,
  gY: Float64Array, gC: Float64Array, gBias: Float64Array, gPhi: Float64Array | null,
): void {
  for (let b = 0; b < B; b++) for (let o = 0; o < O; o++) gBias[o] += gY[b * O + o];
  for (let r = 0; r < R; r++) {
    const cRow = r * O;
    let b = 0;
    for (; b + 3 < B; b += 4) {
      const p0 = phi[b * R + r];
      const p1 = phi[(b + 1) * R + r];
      const p2 = phi[(b + 2) * R + r];
      const p3 = phi[(b + 3) * R + r];
      const g0 = b * O;
      const g1 = g0 + O;
      const g2 = g1 + O;
      const g3 = g2 + O;
      if (gPhi) {
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        for (let o = 0; o < O; o++) {
          const c = C[cRow + o];
          const y0 = gY[g0 + o];
          const y1 = gY[g1 + o];
          const y2 = gY[g2 + o];
          const y3 = gY[g3 + o];
          gC[cRow + o] += p0 * y0 + p1 * y1 + p2 * y2 + p3 * y3;
          a0 += y0 * c;
          a1 += y1 * c;
          a2 += y2 * c;
          a3 += y3 * c;
        }
        gPhi[b * R + r] = a0;
        gPhi[(b + 1) * R + r] = a1;
        gPhi[(b + 2) * R + r] = a2;
        gPhi[(b + 3) * R + r] = a3;
      } else {
        if (p0 === 0 && p1 === 0 && p2 === 0 && p3 === 0) continue;
        for (let o = 0; o < O; o++) gC[cRow + o] += p0 * gY[g0 + o] + p1 * gY[g1 + o] + p2 * gY[g2 + o] + p3 * gY[g3 + o];
      }
    }
    for (; b < B; b++) {
      const p = phi[b * R + r];
      const gRow = b * O;
      let acc = 0;
      for (let o = 0; o < O; o++) {
        gC[cRow + o] += p * gY[gRow + o];
        acc += gY[gRow + o] * C[cRow + o];
      }
      if (gPhi) gPhi[b * R + r] = acc;
    }
  }
}
