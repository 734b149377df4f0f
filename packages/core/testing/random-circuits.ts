import type { Rng } from '../src/random/rng';

/** `count` random directed edges over nodes 0..numNodes (ground included), without self-loops. */
export function randomEdges(rng: Rng, numNodes: number, count: number): { src: number[]; dst: number[] } {
  const src: number[] = [];
  const dst: number[] = [];
  for (let e = 0; e < count; e++) {
    const s = rng.below(numNodes + 1);
    let d = rng.below(numNodes + 1);
    while (d === s) d = rng.below(numNodes + 1);
    src.push(s);
    dst.push(d);
  }
  return { src, dst };
}
