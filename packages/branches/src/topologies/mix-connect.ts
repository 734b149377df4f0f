import * as E from 'fp-ts/Either';
import type { Issue, TopologyGenerator } from '@kirchhoff/core';

const OPTIONS = {
  channels: 'C, image channels',
  width: 'W',
  height: 'H',
  kernel: 'k, window size (k×k, stride 1, no padding)',
  projections: 'F, projection nodes after the pixels',
  repeat: '[r₁, r₂] for ground and projection edges (default [1, 1])',
  kernelRepeat: 'edges per ordered pair inside a window (default 1)',
} as const;

/**
 * The original's `_mix_connect(C, W, H, k, F, repeat, kernel_repeat)`, node for node and edge for edge:
 * - pixel nodes 1..CWH, position (c, x, y) at 1 + c·W·H + x·H + y (the flatten order of a (C, H, W) image);
 * - NE edges: every k×k window (row-major, stride 1) spanning all channels; inside it every ordered pair of
 *   distinct positions (patch order: channel, row, column) gets kernelRepeat edges; overlaps repeat;
 * - ground edges: per pixel n, r₁ edges n→0 then r₂ edges 0→n;
 * - projection nodes CWH+1..CWH+F: for each (outer) and each i = 0..CWH (inner), r₁ edges i→p then r₂ p→i.
 * E = (W−k+1)(H−k+1)·Ck²(Ck²−1)·kernelRepeat + CWH(r₁+r₂) + F(CWH+1)(r₁+r₂); MNIST: 230,068.
 */
export const mixConnect: TopologyGenerator = {
  name: 'mix-connect',
  aliases: ['mix_connect'],
  meta: { description: 'convolution-like NE windows + ground edges + projection nodes (original _mix_connect)', options: OPTIONS },
  generate(options) {
    const where = 'topology mix-connect';
    const issues: Issue[] = Object.keys(options)
      .filter((k) => !(k in OPTIONS))
      .map((k) => ({ code: 'unknown-option', where, message: `unknown option '${k}'; options: ${Object.keys(OPTIONS).join(', ')}` }));
    const whole = (key: string, min: number, fallback?: number): number => {
      const value = options[key] ?? fallback;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
        issues.push({ code: 'invalid-option', where: `${where}.${key}`, message: `expected a whole number ≥ ${min}, got ${JSON.stringify(value)}` });
        return min;
      }
      return value;
    };
    const C = whole('channels', 1);
    const W = whole('width', 1);
    const H = whole('height', 1);
    const k = whole('kernel', 1);
    const F = whole('projections', 0, 0);
    const kr = whole('kernelRepeat', 0, 1);
    const repeat = options.repeat ?? [1, 1];
    if (!(Array.isArray(repeat) && repeat.length === 2 && repeat.every((r) => Number.isInteger(r) && r >= 0))) {
      issues.push({ code: 'invalid-option', where: `${where}.repeat`, message: `expected [r₁, r₂] of whole numbers ≥ 0, got ${JSON.stringify(repeat)}` });
    }
    if (k > W || k > H) issues.push({ code: 'invalid-option', where: `${where}.kernel`, message: `a ${k}×${k} window does not fit a ${W}×${H} image` });
    if (issues.length) return E.left(issues);
    const [r1, r2] = repeat as [number, number];
    const pixels = C * W * H;
    const patch = C * k * k;
    const count = (W - k + 1) * (H - k + 1) * patch * (patch - 1) * kr + pixels * (r1 + r2) + F * (pixels + 1) * (r1 + r2);
    const src = new Int32Array(count);
    const dst = new Int32Array(count);
    let e = 0;
    const add = (s: number, d: number, times: number) => {
      for (let r = 0; r < times; r++, e++) {
        src[e] = s;
        dst[e] = d;
      }
    };
    const positions = new Int32Array(patch);
    for (let x0 = 0; x0 + k <= W; x0++) {
      for (let y0 = 0; y0 + k <= H; y0++) {
        let p = 0;
        for (let c = 0; c < C; c++) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) positions[p++] = 1 + c * W * H + (x0 + i) * H + (y0 + j);
        for (let a = 0; a < patch; a++) for (let b = 0; b < patch; b++) if (a !== b) add(positions[a], positions[b], kr);
      }
    }
    for (let n = 1; n <= pixels; n++) {
      add(n, 0, r1);
      add(0, n, r2);
    }
    for (let f = 1; f <= F; f++) {
      const node = pixels + f;
      for (let i = 0; i <= pixels; i++) {
        add(i, node, r1);
        add(node, i, r2);
      }
    }
    return E.right({ numNodes: pixels + F + 1, src, dst });
  },
};
