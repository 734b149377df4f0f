import * as E from 'fp-ts/Either';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Issue } from '@kirchhoff/core';

/** An IDX file (LeCun's MNIST format): big-endian header, unsigned bytes. */
export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

/** Magic numbers: 0x00000801 = unsigned-byte vector (labels), 0x00000803 = unsigned-byte 3-D (images). */
const UBYTE = 0x08;

/**
 * Reads an IDX file, gunzipping `.gz` files in memory, and checks the magic number (unsigned-byte data with
 * the expected number of dimensions), the dimensions the caller expects (null = any) and that the file holds
 * exactly as many bytes as its header says. Every problem names the file.
 */
export function readIdx(path: string, expectedDims: readonly (number | null)[], missingHint: string): E.Either<Issue[], IdxArray> {
  if (!existsSync(path)) return E.left([{ code: 'missing-data-file', where: path, message: `${path} does not exist; ${missingHint}` }]);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
    if (path.endsWith('.gz')) bytes = gunzipSync(bytes);
  } catch (err) {
    return E.left([{ code: 'unreadable-data-file', where: path, message: `cannot read ${path}: ${(err as Error).message}` }]);
  }
  if (bytes.length < 4) return E.left([{ code: 'truncated-idx', where: path, message: `${path} has ${bytes.length} bytes, fewer than an IDX header` }]);
  const magic = bytes.readUInt32BE(0);
  const type = (magic >>> 8) & 0xff;
  const rank = magic & 0xff;
  if (magic >>> 16 !== 0 || type !== UBYTE || rank !== expectedDims.length) {
    const expected = (UBYTE << 8) | expectedDims.length;
    return E.left([
      {
        code: 'bad-idx-magic',
        where: path,
        message: `${path}: magic number 0x${magic.toString(16).padStart(8, '0')}, expected 0x${expected.toString(16).padStart(8, '0')} (unsigned bytes, ${expectedDims.length} dimension${expectedDims.length > 1 ? 's' : ''})`,
      },
    ]);
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) return E.left([{ code: 'truncated-idx', where: path, message: `${path}: header cut short (${bytes.length} of ${headerBytes} bytes)` }]);
  const dims = Array.from({ length: rank }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const issues: Issue[] = [];
  expectedDims.forEach((d, i) => {
    if (d !== null && dims[i] !== d) issues.push({ code: 'bad-idx-dims', where: path, message: `${path}: dimension ${i} is ${dims[i]}, expected ${d}` });
  });
  const payload = dims.reduce((p, d) => p * d, 1);
  if (bytes.length !== headerBytes + payload) {
    issues.push({
      code: 'truncated-idx',
      where: path,
      message: `${path}: ${bytes.length} bytes, but its header (${dims.join(' × ')}) needs ${headerBytes + payload}${bytes.length < headerBytes + payload ? ': the file is truncated' : ''}`,
    });
  }
  if (issues.length) return E.left(issues);
  return E.right({ dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, payload) });
}
