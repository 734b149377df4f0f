import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as E from 'fp-ts/Either';

export type BinaryFormat = 'int32-le' | 'float32-le' | 'float64-le';

const BYTES: Readonly<Record<BinaryFormat, number>> = { 'int32-le': 4, 'float32-le': 4, 'float64-le': 8 };

export interface BinaryProblem {
  readonly code: 'file-not-found' | 'file-unreadable' | 'binary-size';
  readonly message: string;
}

/**
 * Reads a raw headerless little-endian array (the original's .bin layout). Read explicitly as little
 * endian, so a file means the same on every machine; float32 values widen to float64 exactly.
 */
export function readBinary(path: string, baseDir: string, format: BinaryFormat): E.Either<BinaryProblem, Float64Array> {
  const absolute = resolve(baseDir, path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(absolute);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return E.left(
      e.code === 'ENOENT'
        ? { code: 'file-not-found', message: `${absolute} does not exist` }
        : { code: 'file-unreadable', message: `cannot read ${absolute}: ${e.message}` },
    );
  }
  const size = BYTES[format];
  if (bytes.length % size !== 0) {
    return E.left({ code: 'binary-size', message: `${path} has ${bytes.length} bytes, not a whole number of ${size}-byte ${format} values` });
  }
  const values = new Float64Array(bytes.length / size);
  for (let i = 0; i < values.length; i++) {
    values[i] = format === 'int32-le' ? bytes.readInt32LE(i * 4) : format === 'float32-le' ? bytes.readFloatLE(i * 4) : bytes.readDoubleLE(i * 8);
  }
  return E.right(values);
}
