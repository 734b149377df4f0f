import { expect } from 'vitest';

/** Tags open and close in order (no XML parser among the dependencies; resvg parsing the SVG is the other check). */
export function expectWellFormedSvg(svg: string): void {
  expect(svg.trimStart().startsWith('<svg') || svg.trimStart().startsWith('<?xml')).toBe(true);
  const stack: string[] = [];
  for (const [, closing, name, selfClosing] of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)(?:\s[^<>]*?)?(\/?)>/g)) {
    if (closing) expect(stack.pop(), `</${name}> closes the last open tag`).toBe(name);
    else if (!selfClosing) stack.push(name);
  }
  expect(stack).toEqual([]);
  expect(svg).not.toMatch(/<[^>]*</);
}

/** The PNG signature, and the IHDR size. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  expect(Array.from(png.slice(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(String.fromCharCode(...png.slice(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
