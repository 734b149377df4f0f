import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import type { Dataset, DatasetLoadOptions, DatasetPlugin } from '../src/dataset';

export interface DatasetTesterOptions {
  /** Samples per split to load (default: 256, keeping the suite fast). */
  readonly n?: number;
  /** File-backed datasets read the same data whatever the seed (default: true, i.e. synthetic). */
  readonly seeded?: boolean;
}

/**
 * The dataset conformance suite: the same seed gives the same bytes, shapes match `meta`, no value is
 * NaN or infinite, class labels are whole numbers below `outputDim`, and train and test share no row.
 */
const bytesOf = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

export const DatasetTester = {
  run(name: string, dataset: DatasetPlugin, options: DatasetTesterOptions = {}): void {
    const n = options.n ?? 256;
    const load = async (request: DatasetLoadOptions): Promise<Dataset> => {
      const result = await dataset.load(request)();
      if (E.isLeft(result)) throw new Error(result.left.map((i) => i.message).join('\n'));
      return result.right;
    };
    describe(`dataset ${name}`, () => {
      it('has a kebab-case id equal to its registered name', () => {
        expect(dataset.name).toBe(name);
        expect(name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      });

      const seeded = options.seeded ?? true;
      it(seeded ? 'gives the same bytes for the same seed and different bytes for another' : 'gives the same bytes on every load', async () => {
        const a = await load({ split: 'train', n, seed: 1 });
        const b = await load({ split: 'train', n, seed: 1 });
        const c = await load({ split: 'train', n, seed: 2 });
        // Buffer.equals, not a deep equality: these are megabytes.
        const same = (x: Float64Array, y: Float64Array) => bytesOf(x).equals(bytesOf(y));
        expect(same(a.inputs, b.inputs) && same(a.targets, b.targets)).toBe(true);
        expect(same(a.inputs, c.inputs)).toBe(!seeded);
      });

      it('has shapes that match its meta, finite values and valid labels', async () => {
        const d = await load({ split: 'train', n, seed: 3 });
        expect(d.count).toBe(n);
        expect(d.inputDim).toBe(dataset.meta.inputDim);
        expect(d.inputs.length).toBe(n * dataset.meta.inputDim);
        expect(d.inputs.every(Number.isFinite)).toBe(true);
        expect(d.targets.every(Number.isFinite)).toBe(true);
        if (dataset.meta.task === 'classification') {
          expect(d.targets.length).toBe(n);
          const classes = dataset.meta.outputDim ?? 0;
          expect(d.targets.every((y) => Number.isInteger(y) && y >= 0 && y < classes)).toBe(true);
          expect(new Set(d.targets).size, 'every class occurs').toBe(classes);
        }
      });

      it('keeps train and test disjoint', async () => {
        const train = await load({ split: 'train', n, seed: 4 });
        const test = await load({ split: 'test', n, seed: 4 });
        const rows = (d: Dataset) =>
          new Set(Array.from({ length: d.count }, (_, i) => Array.from(d.inputs.subarray(i * d.inputDim, (i + 1) * d.inputDim)).join(',')));
        const trainRows = rows(train);
        expect([...rows(test)].filter((r) => trainRows.has(r))).toEqual([]);
      });
    });
  },
};
