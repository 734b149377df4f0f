import * as E from 'fp-ts/Either';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readIdx } from '../src/io/idx';
import { fashionMnist } from '../src/fashion-mnist';
import { mnist } from '../src/mnist';

const dir = mkdtempSync(join(tmpdir(), 'kh-idx-'));
function idx(name: string, magic: number, dims: number[], payload: number): string {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([header, Buffer.alloc(payload, 7)]));
  return path;
}
const codes = (r: E.Either<{ code: string }[], unknown>) => (E.isLeft(r) ? r.left.map((i) => i.code) : []);

describe('IDX reader', () => {
  it('reads a well-formed file', () => {
    const path = idx('ok', 0x803, [2, 28, 28], 2 * 784);
    const plain = readIdx(path, [null, 28, 28], 'hint');
    expect(E.isRight(plain) && plain.right.dims).toEqual([2, 28, 28]);
  });

  it('names the file and says it is truncated', () => {
    const path = idx('short', 0x803, [3, 28, 28], 2 * 784);
    const result = readIdx(path, [null, 28, 28], 'hint');
    expect(codes(result)).toEqual(['truncated-idx']);
    expect(E.isLeft(result) && result.left[0].message).toContain(path);
    expect(E.isLeft(result) && result.left[0].message).toContain('truncated');
  });

  it('rejects a wrong magic number and wrong image sizes', () => {
    expect(codes(readIdx(idx('magic', 0x801, [2, 28, 28], 2 * 784), [null, 28, 28], 'hint'))).toEqual(['bad-idx-magic']);
    expect(codes(readIdx(idx('float', 0xd03, [2, 28, 28], 2 * 784), [null, 28, 28], 'hint'))).toEqual(['bad-idx-magic']);
    expect(codes(readIdx(idx('size', 0x803, [2, 32, 32], 2 * 1024), [null, 28, 28], 'hint'))).toEqual(['bad-idx-dims', 'bad-idx-dims']);
  });

  it('tells the user which package provides a missing file', () => {
    const result = readIdx(join(dir, 'absent'), [null], 'install the Debian package: apt-get install dataset-fashion-mnist');
    expect(codes(result)).toEqual(['missing-data-file']);
    expect(E.isLeft(result) && result.left[0].message).toContain('apt-get install dataset-fashion-mnist');
  });
});

describe('MNIST and Fashion-MNIST', () => {
  it('load the full real datasets quickly, with the right sizes and label ranges', async () => {
    for (const dataset of [mnist, fashionMnist]) {
      const start = performance.now();
      const [train, test] = await Promise.all([dataset.load({ split: 'train', seed: 0 })(), dataset.load({ split: 'test', seed: 0 })()]);
      const seconds = (performance.now() - start) / 1000;
      if (E.isLeft(train) || E.isLeft(test)) throw new Error(JSON.stringify([train, test]));
      expect([train.right.count, test.right.count]).toEqual([60_000, 10_000]);
      expect(train.right.inputs.every((x) => x >= 0 && x <= 1)).toBe(true);
      expect(new Set(test.right.targets)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
      expect(seconds).toBeLessThan(10); // a sanity bound on a shared machine, not a benchmark
    }
  });

  it('has the first MNIST test label the whole world knows (a 7)', async () => {
    const test = await mnist.load({ split: 'test', n: 3, seed: 0 })();
    expect(E.isRight(test) && Array.from(test.right.targets)).toEqual([7, 2, 1]);
  });
});
