import * as E from 'fp-ts/Either';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mixConnect } from '../src/topologies/mix-connect';

describe('mix-connect topology', () => {
  it('reproduces the released MNIST topology edge for edge (835 nodes, 230,068 edges)', () => {
    const buf = readFileSync(fileURLToPath(new URL('../../../../shared/reference/fixtures/mnist_topology_src_des_int32_2xE.bin', import.meta.url)));
    const fixture = new Int32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    const result = mixConnect.generate({ channels: 1, width: 28, height: 28, kernel: 4, projections: 50, repeat: [1, 1] });
    if (E.isLeft(result)) throw new Error(result.left[0].message);
    const { src, dst, numNodes } = result.right;
    expect(numNodes).toBe(835);
    expect(src.length).toBe(230_068);
    const E_ = src.length;
    let mismatches = 0;
    for (let e = 0; e < E_; e++) if (src[e] !== fixture[e] || dst[e] !== fixture[E_ + e]) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('matches the edge-count formula for the SVHN/CIFAR configuration and rejects bad options', () => {
    const svhn = mixConnect.generate({ channels: 3, width: 32, height: 32, kernel: 4, projections: 50, repeat: [1, 0] });
    expect(E.isRight(svhn) && svhn.right.src.length).toBe(2_054_018);
    const bad = mixConnect.generate({ channels: 1, width: 3, height: 3, kernel: 4, projection: 2 });
    expect(E.isLeft(bad) && bad.left.map((i) => i.code)).toEqual(['unknown-option', 'invalid-option']);
  });
});
