import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fullyConnect } from '../src/topologies/fully-connect';

describe('fully-connect topology', () => {
  it("reproduces the original twomoon topology edge for edge (fixture: 300 edges on 3 nodes, [25, 25])", () => {
    const fixture = JSON.parse(
      readFileSync(fileURLToPath(new URL('../../../../shared/reference/fixtures/twomoon_pretrained_cnf.json', import.meta.url)), 'utf8'),
    ) as { topology_src_des_layer0: number[][] };
    const result = fullyConnect.generate({ nodes: 3, repeat: [25, 25] });
    expect(E.isRight(result)).toBe(true);
    if (E.isRight(result)) {
      expect(Array.from(result.right.src)).toEqual(fixture.topology_src_des_layer0[0]);
      expect(Array.from(result.right.dst)).toEqual(fixture.topology_src_des_layer0[1]);
    }
  });

  it('has n(n−1)(r₁ + r₂) edges and rejects bad options, all at once', () => {
    const result = fullyConnect.generate({ nodes: 5, repeat: [2, 1] });
    expect(E.isRight(result) && result.right.src.length).toBe(5 * 4 * 3);
    const bad = fullyConnect.generate({ nodes: 1, repeat: [0, 0], size: 3 });
    expect(E.isLeft(bad) && bad.left.map((i) => i.code)).toEqual(['unknown-option', 'invalid-option', 'invalid-option']);
  });
});
