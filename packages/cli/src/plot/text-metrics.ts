import { readFileSync } from 'node:fs';
import { KirchhoffError } from '@kirchhoff/core';

/**
 * Text widths from the plot font's own metrics, for Vega's layout. Without a canvas Vega estimates every
 * string at 0.8 em per character, far wider than DejaVu Sans, so charts with long titles came out with
 * wide empty margins; with these widths the layout fits the text resvg actually draws. Reads a TrueType
 * file's advance widths (tables head, hhea, hmtx and a Unicode cmap, format 4 or 12); kerning is ignored.
 */
export interface FontMetrics {
  /** Advance width of a code point in em (the missing glyph's for characters the font lacks). */
  advance(codePoint: number): number;
}

function tables(view: DataView): Map<string, number> {
  const count = view.getUint16(4);
  const map = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const at = 12 + 16 * i;
    const tag = String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
    map.set(tag, view.getUint32(at + 8));
  }
  return map;
}

/** code point → glyph id, from the best Unicode subtable: (3,10) or (0,4) format 12, else (3,1) or (0,x) format 4. */
function glyphMap(view: DataView, cmap: number): (codePoint: number) => number {
  const count = view.getUint16(cmap + 2);
  let format4: number | undefined;
  for (let i = 0; i < count; i++) {
    const platform = view.getUint16(cmap + 4 + 8 * i);
    const encoding = view.getUint16(cmap + 6 + 8 * i);
    const at = cmap + view.getUint32(cmap + 8 + 8 * i);
    const format = view.getUint16(at);
    if (format === 12 && (platform === 0 || (platform === 3 && encoding === 10))) {
      const groups = view.getUint32(at + 12);
      return (c) => {
        let lo = 0;
        let hi = groups - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          const g = at + 16 + 12 * mid;
          if (c < view.getUint32(g)) hi = mid - 1;
          else if (c > view.getUint32(g + 4)) lo = mid + 1;
          else return view.getUint32(g + 8) + c - view.getUint32(g);
        }
        return 0;
      };
    }
    if (format === 4 && (platform === 0 || (platform === 3 && encoding === 1))) format4 ??= at;
  }
  if (format4 === undefined) return () => 0;
  const at = format4;
  const segments = view.getUint16(at + 6) / 2;
  const ends = at + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  return (c) => {
    if (c > 0xffff) return 0;
    for (let s = 0; s < segments; s++) {
      if (c > view.getUint16(ends + 2 * s)) continue;
      const start = view.getUint16(starts + 2 * s);
      if (c < start) return 0;
      const delta = view.getInt16(deltas + 2 * s);
      const rangeOffset = view.getUint16(rangeOffsets + 2 * s);
      if (rangeOffset === 0) return (c + delta) & 0xffff;
      const glyph = view.getUint16(rangeOffsets + 2 * s + rangeOffset + 2 * (c - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}

/** Parses a TrueType font's horizontal metrics; throws a KirchhoffError naming the file if it cannot. */
export function readFontMetrics(path: string): FontMetrics {
  const bytes = readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    const t = tables(view);
    const [head, hhea, hmtx, cmap] = ['head', 'hhea', 'hmtx', 'cmap'].map((tag) => t.get(tag));
    if (head === undefined || hhea === undefined || hmtx === undefined || cmap === undefined) throw new RangeError('no head, hhea, hmtx or cmap table');
    const unitsPerEm = view.getUint16(head + 18);
    const metrics = view.getUint16(hhea + 34);
    const glyph = glyphMap(view, cmap);
    const cache = new Map<number, number>();
    return {
      advance(c) {
        let width = cache.get(c);
        if (width === undefined) {
          const g = Math.min(glyph(c), metrics - 1);
          width = view.getUint16(hmtx + 4 * g) / unitsPerEm;
          cache.set(c, width);
        }
        return width;
      },
    };
  } catch (err) {
    throw new KirchhoffError('plot-font-unreadable', `${path} is not a TrueType font this reader understands: ${(err as Error).message}`);
  }
}

/** Width in pixels of `text` at `fontSize` px. */
export function textWidth(metrics: FontMetrics, text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += metrics.advance(ch.codePointAt(0)!);
  return em * fontSize;
}
