/**
 * Resizing by area averaging: output pixel (i, j) is the mean of the input over the rectangle it covers,
 * each input pixel weighted by the area it shares with that rectangle. For 28 → 14 that is the mean of each
 * 2 × 2 block (for whole factors the same as PIL's `Image.BOX` and torch's `interpolate(mode='area')`, which
 * give partly covered pixels full or no weight otherwise); any other size works too (upsampling repeats or
 * blends neighbouring pixels). The weights separate into a row and a column factor, each k/n for whole k, n.
 */

/** Per output index: the input indices it covers and their weights (summing to 1 up to rounding). */
interface AxisWeights {
  readonly start: Int32Array;
  readonly count: Int32Array;
  readonly weight: Float64Array;
  /** Offset of each output's first weight in `weight`. */
  readonly offset: Int32Array;
}

/** Input n pixels wide onto output m pixels: output i covers [i·n/m, (i+1)·n/m); overlaps in units of 1/m are whole numbers. */
function axisWeights(n: number, m: number): AxisWeights {
  const start = new Int32Array(m);
  const count = new Int32Array(m);
  const offset = new Int32Array(m);
  const weights: number[] = [];
  for (let i = 0; i < m; i++) {
    const lo = i * n; // in units of 1/m input pixels
    const hi = (i + 1) * n;
    const first = Math.floor(lo / m);
    const last = Math.ceil(hi / m) - 1;
    start[i] = first;
    offset[i] = weights.length;
    for (let j = first; j <= last; j++) weights.push((Math.min(hi, (j + 1) * m) - Math.max(lo, j * m)) / n);
    count[i] = last - first + 1;
  }
  return { start, count, weight: Float64Array.from(weights), offset };
}

/**
 * `count` row-major images of height × width (each `planes` planes deep) resized to outHeight × outWidth
 * by area averaging; returns a new array of count × planes × outHeight × outWidth.
 */
export function resizeArea(
  images: Float64Array,
  count: number,
  planes: number,
  height: number,
  width: number,
  outHeight: number,
  outWidth: number,
): Float64Array {
  const rows = axisWeights(height, outHeight);
  const cols = axisWeights(width, outWidth);
  const out = new Float64Array(count * planes * outHeight * outWidth);
  const across = new Float64Array(height * outWidth); // one plane resized along x
  for (let p = 0; p < count * planes; p++) {
    const src = p * height * width;
    for (let y = 0; y < height; y++) {
      for (let j = 0; j < outWidth; j++) {
        let sum = 0;
        for (let k = 0, o = cols.offset[j]; k < cols.count[j]; k++) sum += cols.weight[o + k] * images[src + y * width + cols.start[j] + k];
        across[y * outWidth + j] = sum;
      }
    }
    const dst = p * outHeight * outWidth;
    for (let i = 0; i < outHeight; i++) {
      for (let j = 0; j < outWidth; j++) {
        let sum = 0;
        for (let k = 0, o = rows.offset[i]; k < rows.count[i]; k++) sum += rows.weight[o + k] * across[(rows.start[i] + k) * outWidth + j];
        out[dst + i * outWidth + j] = sum;
      }
    }
  }
  return out;
}
