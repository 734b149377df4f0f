/**
 * Nearest-neighbour rotation and integer translation of images exactly as torchvision does them on the
 * PIL images its MNIST dataset yields (`RandomRotation` → `Image.rotate`, `RandomAffine` with translation
 * only → `Image.transform`), so that augmented digits are the pixels the original code trained on.
 *
 * Pillow's `Image.rotate(θ)` (θ in degrees, counter-clockwise; no expand; centre (W/2, H/2) in pixel-edge
 * coordinates, i.e. the middle of the image) builds the inverse map from an output point (x, y) to the
 * source point
 *
 *   x_src = cos φ·(x − W/2) + sin φ·(y − H/2) + W/2,   y_src = −sin φ·(x − W/2) + cos φ·(y − H/2) + H/2,   φ = −θ,
 *
 * with cos φ and sin φ rounded to 15 decimals (so multiples of 90° are exact). For 8-bit images its
 * nearest-neighbour affine engine (libImaging `affine_fixed`) evaluates that map at pixel centres
 * (x + ½, y + ½) in 16.16 fixed point, a = ⌊65536·v + ½⌋ for each coefficient, and takes source pixel
 * (xx >> 16, yy >> 16), leaving pixels whose source falls outside the image at 0. We compute the same
 * integers, so each output pixel comes from the same source pixel as in Pillow. (Pillow's fast paths for
 * 0°, 90°, 180° and 270° give the same pixels as this general path.)
 *
 * A translation by whole pixels (tx, ty) then moves the rotated image: out(x, y) = rot(x − tx, y − ty), 0 where
 * (x − tx, y − ty) is outside the frame; content rotated out of the frame stays lost, as in the two-step original.
 */

/** The six 16.16 fixed-point coefficients of Pillow's inverse rotation map, at pixel centres. */
export interface FixedAffine {
  a0: number;
  a1: number;
  a2: number;
  a3: number;
  a4: number;
  a5: number;
}

export const createFixedAffine = (): FixedAffine => ({ a0: 0, a1: 0, a2: 0, a3: 0, a4: 0, a5: 0 });

/** Pillow's FIX: 16.16 fixed point, rounded half up. */
const fix = (v: number): number => Math.floor(v * 65536 + 0.5);

/** Python's round(v, 15), up to the last bit of the decimal scaling (it moves a 16.16 coefficient only within ~1e-10 of a rounding boundary). */
const round15 = (v: number): number => (v < 0 ? -Math.round(-v * 1e15) : Math.round(v * 1e15)) / 1e15;

/** Writes into `out` the map of Pillow's `Image.rotate(degrees)` on a width × height image. */
export function rotationMap(degrees: number, width: number, height: number, out: FixedAffine): FixedAffine {
  const rest = degrees % 360;
  const turned = rest < 0 ? rest + 360 : rest; // Python's angle % 360.0
  const phi = -((turned * Math.PI) / 180); // math.radians
  const cos = round15(Math.cos(phi));
  const sin = round15(Math.sin(phi));
  const cx = width / 2;
  const cy = height / 2;
  // matrix = [cos, sin, c, −sin, cos, f], c and f moving the centre to the origin and back, in Pillow's order of operations.
  const c = cos * -cx + sin * -cy + 0 + cx;
  const f = -sin * -cx + cos * -cy + 0 + cy;
  out.a0 = fix(cos);
  out.a1 = fix(sin);
  out.a3 = fix(-sin);
  out.a4 = fix(cos);
  out.a2 = fix(c + cos * 0.5 + sin * 0.5);
  out.a5 = fix(f + -sin * 0.5 + cos * 0.5);
  return out;
}

/**
 * One width × height plane: `dst[dstAt + y·W + x]` = the rotated (by `map`) then shifted (by tx, ty) image of
 * `src[srcAt …]`, nearest neighbour, zero outside. `src` and `dst` must not overlap.
 */
export function rotateShiftPlane(
  src: Float64Array,
  srcAt: number,
  dst: Float64Array,
  dstAt: number,
  width: number,
  height: number,
  map: FixedAffine,
  tx: number,
  ty: number,
): void {
  const { a0, a1, a2, a3, a4, a5 } = map;
  for (let y = 0; y < height; y++) {
    const row = dstAt + y * width;
    const iy = y - ty; // row of the rotated image
    if (iy < 0 || iy >= height) {
      dst.fill(0, row, row + width);
      continue;
    }
    // Integers below 2^31 throughout, so the sums are exact and `>> 16` is Pillow's arithmetic shift.
    let xx = a2 + iy * a1 - tx * a0;
    let yy = a5 + iy * a4 - tx * a3;
    for (let x = 0; x < width; x++, xx += a0, yy += a3) {
      const ix = x - tx;
      let value = 0;
      if (ix >= 0 && ix < width) {
        const xin = xx >> 16;
        const yin = yy >> 16;
        if (xin >= 0 && xin < width && yin >= 0 && yin < height) value = src[srcAt + yin * width + xin];
      }
      dst[row + x] = value;
    }
  }
}
