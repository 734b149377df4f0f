// Writes substitute I-V curves shaped like KANalogue's Z15 and ZAZ_21 bases (whose data we do not have
// and may not copy): the peak, shoulder and valley positions and heights its description gives
// (shared/reference/kanalogue.md §2), joined linearly and sampled every 0.05 V as its DFT sweeps were.
// Usage: node examples/kan/generate-iv.mjs  (writes z15-like.csv and zaz21-like.csv next to this file)
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Key points (V, I in the reference's unrecorded unit, likely µA). */
export const CURVES = {
  // Zigzag, ≈ 15 Å: shoulder 0.25 V (1.19), main peak 0.85 V (2.532), valley 1.05 V (0.100), second peak 1.30 V (3.07).
  'z15-like': [[0, 0], [0.1, 0.45], [0.25, 1.19], [0.4, 1.0], [0.55, 1.35], [0.7, 2.0], [0.85, 2.532], [0.95, 1.2], [1.05, 0.1], [1.15, 0.9], [1.3, 3.07], [1.4, 2.8]],
  // Zig/arm/zig, 21 Å: a 0.3–0.56 plateau over 0.35–0.85 V, peak 1.00 V (1.608), ≈ 0 from 1.15 V.
  'zaz21-like': [[0, 0], [0.15, 0.12], [0.35, 0.35], [0.5, 0.52], [0.6, 0.33], [0.75, 0.56], [0.85, 0.45], [0.92, 1.1], [1.0, 1.608], [1.08, 0.6], [1.15, 0.01], [1.5, 0]],
};

export function sample(points, step = 0.05) {
  const last = points[points.length - 1][0];
  const rows = [];
  for (let k = 0; k * step <= last + 1e-9; k++) {
    const v = Math.round(k * step * 1e6) / 1e6;
    const j = Math.max(1, points.findIndex(([x]) => x >= v));
    const [[x0, y0], [x1, y1]] = [points[j - 1], points[j]];
    rows.push([v, y0 + ((y1 - y0) * (v - x0)) / (x1 - x0)]);
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const [name, points] of Object.entries(CURVES)) {
    const text = ['voltage,current', ...sample(points).map(([v, i]) => `${v},${Number(i.toFixed(6))}`)].join('\n') + '\n';
    writeFileSync(join(here, `${name}.csv`), text);
  }
}
