import { PALETTE } from './charts';
import { PLOT_FONT_FAMILY } from './render';

/**
 * A schematic of a small circuit as an SVG document: nodes 1..N on a circle, every branch an arrow from
 * source to destination coloured (and, when there are few, labelled) by its type, ground (node 0) as a
 * ground symbol beside each node that has a branch to or from it, and each node's capacitor to ground as a
 * small capacitor symbol. Drawn by hand rather than with a chart library: this is a diagram, not a chart.
 */

export interface DrawnEdge {
  readonly src: number;
  readonly dst: number;
  /** Branch type id, the arrow's colour and label. */
  readonly type: string;
}

export type NodeRole = 'input' | 'readout' | 'input+readout';

export interface CircuitDrawing {
  readonly title: string;
  readonly subtitle?: readonly string[];
  /** Non-ground nodes N (nodes 1..N; 0 is ground). */
  readonly numNodes: number;
  readonly edges: readonly DrawnEdge[];
  /** C of nodes 1..N; 0 marks a node without a capacitor (an algebraic node). */
  readonly capacitance: ArrayLike<number>;
  /** Training configs: which nodes take the input and which are read out. */
  readonly roles?: ReadonlyMap<number, NodeRole>;
}

/** The largest circuit drawn: beyond it the drawing is a blur of arrows. */
export const MAX_DRAWN_NODES = 40;
/** Arrows are labelled with their type up to this many; beyond it the legend alone tells the types. */
export const MAX_LABELLED_EDGES = 30;

interface Vec {
  readonly x: number;
  readonly y: number;
}

const add = (a: Vec, b: Vec, k = 1): Vec => ({ x: a.x + k * b.x, y: a.y + k * b.y });
const sub = (a: Vec, b: Vec): Vec => ({ x: a.x - b.x, y: a.y - b.y });
const len = (a: Vec) => Math.hypot(a.x, a.y);
const unit = (a: Vec): Vec => {
  const l = len(a) || 1;
  return { x: a.x / l, y: a.y / l };
};
const perp = (a: Vec): Vec => ({ x: -a.y, y: a.x });
const f = (v: number) => (Math.round(v * 100) / 100).toString();

export const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const ROLE_FILL: Record<NodeRole | 'plain', string> = { plain: '#f2f2f2', input: '#cfe0f3', readout: '#fde0c2', 'input+readout': '#d9ecd0' };

/** The SVG document of a circuit drawing. Throws a RangeError for more than MAX_DRAWN_NODES nodes. */
export function circuitSvg(d: CircuitDrawing): string {
  const N = d.numNodes;
  if (N > MAX_DRAWN_NODES) throw new RangeError(`${N} nodes is more than the ${MAX_DRAWN_NODES} a drawing can show`);
  const width = 860;
  const headerLines = 1 + (d.subtitle?.length ?? 0);
  const top = 26 + 18 * headerLines + 10;
  const radius = N <= 2 ? 130 : Math.min(290, 110 + 6 * N);
  const nodeR = N > 24 ? 12 : 16;
  const center: Vec = { x: width / 2 - 70, y: top + radius + 80 };
  const pos: Vec[] = [];
  const outward: Vec[] = [];
  for (let n = 1; n <= N; n++) {
    // Node 1 at the top, then clockwise.
    const angle = -Math.PI / 2 + (2 * Math.PI * (n - 1)) / N;
    outward[n] = { x: Math.cos(angle), y: Math.sin(angle) };
    pos[n] = N === 1 ? { ...center } : add(center, outward[n], radius);
  }
  // Ground is one node, drawn (as schematics do) as a ground symbol beside every node with a branch to or
  // from it: outside the circle, turned away from the node's capacitor symbol.
  const groundAt = (n: number): Vec => {
    const u = outward[n];
    const c = Math.cos(0.75);
    const sn = Math.sin(0.75);
    return add(pos[n], { x: c * u.x - sn * u.y, y: sn * u.x + c * u.y }, nodeR + 72);
  };

  const types = [...new Set(d.edges.map((e) => e.type))];
  const colour = new Map(types.map((t, i) => [t, PALETTE[i % PALETTE.length]]));
  const parts: string[] = [];

  // Arrowheads, one marker per colour (SVG 1.1 markers cannot take the line's colour).
  const defs = types.map(
    (t, i) =>
      `<marker id="arrow${i}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto" markerUnits="userSpaceOnUse"><path d="M0,0 L10,5 L0,10 z" fill="${colour.get(t)}"/></marker>`,
  );

  // Branches between the same two ends (either direction) fan out as arcs of different bends; a branch to
  // ground ends at that node's ground symbol.
  interface Pair {
    readonly a: Vec;
    readonly b: Vec;
    readonly lo: number;
    readonly edges: DrawnEdge[];
  }
  const pairs = new Map<string, Pair>();
  for (const e of d.edges) {
    const grounded = e.src === 0 ? e.dst : e.dst === 0 ? e.src : undefined;
    const key = grounded !== undefined ? `g${grounded}` : `${Math.min(e.src, e.dst)}-${Math.max(e.src, e.dst)}`;
    const lo = grounded ?? Math.min(e.src, e.dst);
    const pair = pairs.get(key) ?? { a: pos[lo], b: grounded !== undefined ? groundAt(grounded) : pos[Math.max(e.src, e.dst)], lo, edges: [] };
    pair.edges.push(e);
    pairs.set(key, pair);
  }
  const groundSymbols: string[] = [];
  const labelGroups: { at: Vec; anchor: string; lines: { text: string; colour: string }[] }[] = [];
  for (const [key, pair] of pairs) {
    const { a, b, edges } = pair;
    const m = edges.length;
    const chord = sub(b, a);
    const isGround = key.startsWith('g');
    // Arcs to ground fan less: the symbol is near, and the capacitor symbol is beside it.
    const spread = Math.min(34, ((isGround ? 0.25 : 0.45) * len(chord)) / Math.max(1, m - 1));
    edges.forEach((e, j) => {
      // Bend measured in the low → high frame, so that arcs of opposite directions do not coincide.
      const bend = m === 1 ? 0 : (j - (m - 1) / 2) * spread;
      const mid = add(add(a, chord, 0.5), unit(perp(chord)), 2 * bend);
      const forward = e.src === pair.lo && !(isGround && e.src === 0);
      const [from, to] = forward ? [a, b] : [b, a];
      const trim = (end: Vec) => (end === b && isGround ? 3 : nodeR + 2);
      const start = add(from, unit(sub(mid, from)), trim(from));
      const finish = add(to, unit(sub(mid, to)), trim(to));
      parts.push(
        `<path d="M${f(start.x)},${f(start.y)} Q${f(mid.x)},${f(mid.y)} ${f(finish.x)},${f(finish.y)}" fill="none" stroke="${colour.get(e.type)}" stroke-width="1.6" stroke-opacity="0.85" marker-end="url(#arrow${types.indexOf(e.type)})"/>`,
      );
    });
    if (isGround) {
      // The usual symbol, upright whatever the arrow's direction: a lead down from the arrow's end, three bars.
      const bar = (dy: number, half: number) => `<line x1="${f(b.x - half)}" y1="${f(b.y + dy)}" x2="${f(b.x + half)}" y2="${f(b.y + dy)}" stroke="#333" stroke-width="2"/>`;
      groundSymbols.push(`<line x1="${f(b.x)}" y1="${f(b.y)}" x2="${f(b.x)}" y2="${f(b.y + 9)}" stroke="#333" stroke-width="1.6"/>`, bar(9, 11), bar(13.5, 7), bar(18, 3));
    }
    // One label per type between these two ends, with a count for parallel branches, at the chord's middle
    // (between the arcs).
    const counts = new Map<string, number>();
    for (const e of edges) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
    // Branches to ground: nearer the ground symbol and off the line, on the side away from the capacitor.
    let at = add(a, chord, 0.5);
    let anchor = 'middle';
    if (isGround) {
      const v = unit(perp(chord));
      const away = v.x * outward[pair.lo].x + v.y * outward[pair.lo].y < 0 ? 1 : -1;
      at = add(add(a, chord, 0.6), v, 8 * away);
      anchor = v.x * away >= 0 ? 'start' : 'end';
    }
    labelGroups.push({
      at,
      anchor,
      lines: [...counts].map(([type, count]) => ({ text: `${type}${count > 1 ? ` ×${count}` : ''}`, colour: colour.get(type)! })),
    });
  }
  const labelled = labelGroups.reduce((k, g) => k + g.lines.length, 0) <= MAX_LABELLED_EDGES;
  const labels = labelled
    ? labelGroups.flatMap(({ at, anchor, lines }) =>
        lines.map(
          (l, i) =>
            `<text x="${f(at.x)}" y="${f(at.y + 4 + 13 * (i - (lines.length - 1) / 2))}" text-anchor="${anchor}" font-size="11" fill="${l.colour}" stroke="white" stroke-width="3.5" paint-order="stroke" stroke-linejoin="round">${escapeXml(l.text)}</text>`,
        ),
      )
    : [];

  // Capacitors: node → plate | plate → ground bars, pointing away from the circle's centre.
  const capacitors: string[] = [];
  for (let n = 1; n <= N; n++) {
    if (d.capacitance[n - 1] === 0) continue;
    const out = outward[n];
    const side = perp(out);
    const p = pos[n];
    const at = (r: number, k = 0) => add(add(p, out, r), side, k);
    const line = (u: Vec, v: Vec, w = 1.4) => `<line x1="${f(u.x)}" y1="${f(u.y)}" x2="${f(v.x)}" y2="${f(v.y)}" stroke="#333" stroke-width="${w}"/>`;
    const r = nodeR;
    capacitors.push(
      line(at(r), at(r + 7)),
      line(at(r + 7, -7), at(r + 7, 7), 2),
      line(at(r + 11, -7), at(r + 11, 7), 2),
      line(at(r + 11), at(r + 18)),
      line(at(r + 18, -6), at(r + 18, 6)),
      line(at(r + 21, -4), at(r + 21, 4)),
      line(at(r + 24, -2), at(r + 24, 2)),
    );
  }

  const nodes: string[] = [];
  for (let n = 1; n <= N; n++) {
    const role = d.roles?.get(n);
    const algebraic = d.capacitance[n - 1] === 0;
    nodes.push(
      `<circle cx="${f(pos[n].x)}" cy="${f(pos[n].y)}" r="${nodeR}" fill="${ROLE_FILL[role ?? 'plain']}" stroke="#333" stroke-width="1.5"${algebraic ? ' stroke-dasharray="3,2"' : ''}/>`,
      `<text x="${f(pos[n].x)}" y="${f(pos[n].y + (nodeR > 12 ? 4.5 : 4))}" text-anchor="middle" font-size="${nodeR > 12 ? 13 : 10}" fill="#111">${n}</text>`,
    );
  }
  const ground = groundSymbols;

  // Legend: branch types, node roles, and what the small symbols are.
  const legend: string[] = [];
  let ly = top + 8;
  const lx = width - 190;
  const legendLine = (content: string, step = 20) => {
    legend.push(content);
    ly += step;
  };
  legendLine(`<text x="${lx}" y="${ly}" font-size="12" font-weight="bold" fill="#222">branch types</text>`);
  for (const t of types) {
    const count = d.edges.filter((e) => e.type === t).length;
    legendLine(
      `<line x1="${lx}" y1="${ly - 4}" x2="${lx + 22}" y2="${ly - 4}" stroke="${colour.get(t)}" stroke-width="2.5" marker-end="url(#arrow${types.indexOf(t)})"/><text x="${lx + 30}" y="${ly}" font-size="11" fill="#222">${escapeXml(t)} (${count})</text>`,
    );
  }
  const roles = new Set(d.roles?.values() ?? []);
  if (roles.size) {
    ly += 6;
    legendLine(`<text x="${lx}" y="${ly}" font-size="12" font-weight="bold" fill="#222">nodes</text>`);
    for (const role of ['input', 'readout', 'input+readout'] as const) {
      if (!roles.has(role)) continue;
      legendLine(`<circle cx="${lx + 8}" cy="${ly - 4}" r="7" fill="${ROLE_FILL[role]}" stroke="#333"/><text x="${lx + 30}" y="${ly}" font-size="11" fill="#222">${role}</text>`);
    }
  }
  ly += 6;
  const capacitances = Array.from(d.capacitance);
  const allSame = capacitances.every((c) => c === capacitances[0]);
  // A capacitor symbol like the nodes' (lying down), then what it stands for.
  const glyph = [
    `<line x1="${lx}" y1="${ly - 4}" x2="${lx + 7}" y2="${ly - 4}" stroke="#333" stroke-width="1.4"/>`,
    `<line x1="${lx + 7}" y1="${ly - 11}" x2="${lx + 7}" y2="${ly + 3}" stroke="#333" stroke-width="2"/>`,
    `<line x1="${lx + 11}" y1="${ly - 11}" x2="${lx + 11}" y2="${ly + 3}" stroke="#333" stroke-width="2"/>`,
    `<line x1="${lx + 11}" y1="${ly - 4}" x2="${lx + 18}" y2="${ly - 4}" stroke="#333" stroke-width="1.4"/>`,
    `<line x1="${lx + 18}" y1="${ly - 10}" x2="${lx + 18}" y2="${ly + 2}" stroke="#333" stroke-width="1.4"/>`,
    `<line x1="${lx + 21}" y1="${ly - 8}" x2="${lx + 21}" y2="${ly}" stroke="#333" stroke-width="1.4"/>`,
    `<line x1="${lx + 24}" y1="${ly - 6}" x2="${lx + 24}" y2="${ly - 2}" stroke="#333" stroke-width="1.4"/>`,
  ].join('');
  legendLine(`${glyph}<text x="${lx + 30}" y="${ly}" font-size="11" fill="#222">capacitor to ground</text>`, 15);
  if (capacitances.length && allSame) legendLine(`<text x="${lx + 30}" y="${ly}" font-size="11" fill="#444">C = ${capacitances[0]} F at every node</text>`, 15);
  if (groundSymbols.length) {
    ly += 8;
    const bar = (dy: number, half: number) => `<line x1="${lx + 12 - half}" y1="${ly + dy}" x2="${lx + 12 + half}" y2="${ly + dy}" stroke="#333" stroke-width="2"/>`;
    legendLine(
      `<line x1="${lx + 12}" y1="${ly - 12}" x2="${lx + 12}" y2="${ly - 4}" stroke="#333" stroke-width="1.6"/>${bar(-4, 10)}${bar(0, 6)}${bar(4, 2)}<text x="${lx + 30}" y="${ly}" font-size="11" fill="#222">ground (node 0), drawn</text>`,
      15,
    );
    legendLine(`<text x="${lx + 30}" y="${ly}" font-size="11" fill="#222">beside each node it meets</text>`, 15);
  }
  if (capacitances.some((c) => c === 0)) legendLine(`<text x="${lx}" y="${ly + 5}" font-size="11" fill="#444">dashed node: no capacitor</text>`, 20);
  if (!labelled) legendLine(`<text x="${lx}" y="${ly + 5}" font-size="11" fill="#444">${d.edges.length} arrows: too many to label</text>`, 20);

  const height = Math.max(center.y + radius + 100, ly + 10);
  const header = [
    `<text x="20" y="30" font-size="16" font-weight="bold" fill="#111">${escapeXml(d.title)}</text>`,
    ...(d.subtitle ?? []).map((s, i) => `<text x="20" y="${30 + 18 * (i + 1)}" font-size="12" fill="#555">${escapeXml(s)}</text>`),
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${f(height)}" viewBox="0 0 ${width} ${f(height)}" font-family="${PLOT_FONT_FAMILY}, sans-serif">`,
    `<defs>${defs.join('')}</defs>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...header,
    `<g class="branches">${parts.join('')}</g>`,
    `<g class="capacitors">${capacitors.join('')}</g>`,
    `<g class="ground">${ground.join('')}</g>`,
    `<g class="nodes">${nodes.join('')}</g>`,
    `<g class="labels">${labels.join('')}</g>`,
    `<g class="legend">${legend.join('')}</g>`,
    `</svg>`,
    '',
  ].join('\n');
}
