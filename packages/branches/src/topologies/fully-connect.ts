import * as E from 'fp-ts/Either';
import type { Issue, TopologyGenerator } from '@kirchhoff/core';

/**
 * The original's `_fully_connect(n, include_gnd=True, repeat=[r₁, r₂])`: nodes 0..n−1 with 0 the ground;
 * for each ordered pair (i, j), i ≠ j, i the outer loop: r₁ edges i→j, then r₂ edges j→i. Every
 * direction ends up with r₁ + r₂ devices, E = n(n−1)(r₁ + r₂), in exactly the original's order (so the
 * released parameter files line up edge for edge).
 */
export const fullyConnect: TopologyGenerator = {
  name: 'fully-connect',
  aliases: ['fully_connect'],
  meta: {
    description: 'every ordered node pair, ground included, with r₁ + r₂ devices per direction (original _fully_connect)',
    options: { nodes: 'number of nodes including ground (≥ 2)', repeat: '[r₁, r₂]: devices i→j then j→i per ordered pair (default [1, 1])' },
  },
  generate(options) {
    const issues: Issue[] = [];
    const where = 'topology fully-connect';
    for (const key of Object.keys(options)) {
      if (!(key in fullyConnect.meta.options)) issues.push({ code: 'unknown-option', where, message: `unknown option '${key}'; options: nodes, repeat` });
    }
    const n = options.nodes;
    const repeat = options.repeat ?? [1, 1];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 2) issues.push({ code: 'invalid-option', where: `${where}.nodes`, message: `expected a whole number ≥ 2, got ${JSON.stringify(n)}` });
    const validRepeat = Array.isArray(repeat) && repeat.length === 2 && repeat.every((r) => Number.isInteger(r) && r >= 0) && repeat[0] + repeat[1] > 0;
    if (!validRepeat) issues.push({ code: 'invalid-option', where: `${where}.repeat`, message: `expected [r₁, r₂], whole numbers ≥ 0 not both 0, got ${JSON.stringify(repeat)}` });
    if (issues.length) return E.left(issues);
    const [r1, r2] = repeat as [number, number];
    const nodes = n as number;
    const E_ = nodes * (nodes - 1) * (r1 + r2);
    const src = new Int32Array(E_);
    const dst = new Int32Array(E_);
    let e = 0;
    for (let i = 0; i < nodes; i++) {
      for (let j = 0; j < nodes; j++) {
        if (i === j) continue;
        for (let r = 0; r < r1; r++, e++) [src[e], dst[e]] = [i, j];
        for (let r = 0; r < r2; r++, e++) [src[e], dst[e]] = [j, i];
      }
    }
    return E.right({ numNodes: nodes, src, dst });
  },
};
