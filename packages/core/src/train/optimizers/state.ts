import type { Issue } from '../../errors';
import type { EncodedFloat64Array, OptimizerState } from './optimizer';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes are written little-endian explicitly, so a state saved on one machine loads on any other. */
export function encodeFloat64Array(values: Float64Array): EncodedFloat64Array {
  const bytes = new DataView(new ArrayBuffer(values.length * 8));
  for (let i = 0; i < values.length; i++) bytes.setFloat64(i * 8, values[i], true);
  return { dtype: 'float64-le', length: values.length, base64: Buffer.from(bytes.buffer).toString('base64') };
}

/** Every problem with `encoded` as the contents of `target`; empty when `decodeInto` may run. */
export function encodedArrayIssues(encoded: unknown, expectedLength: number, where: string): Issue[] {
  if (typeof encoded !== 'object' || encoded === null) {
    return [{ code: 'invalid-optimizer-state', message: 'expected an encoded array { dtype, length, base64 }', where }];
  }
  const { dtype, length, base64 } = encoded as Record<string, unknown>;
  const issues: Issue[] = [];
  if (dtype !== 'float64-le') {
    issues.push({ code: 'invalid-optimizer-state', message: `expected dtype 'float64-le', got ${String(dtype)}`, where });
  }
  if (length !== expectedLength) {
    issues.push({
      code: 'invalid-optimizer-state',
      message: `holds ${String(length)} entries but the parameter tensor has ${expectedLength}`,
      where,
    });
  }
  if (typeof base64 !== 'string' || !BASE64.test(base64) || Buffer.from(base64, 'base64').length !== expectedLength * 8) {
    issues.push({ code: 'invalid-optimizer-state', message: `base64 does not decode to ${expectedLength * 8} bytes`, where });
  }
  return issues;
}

/** Decodes an array already checked by `encodedArrayIssues`. */
export function decodeInto(encoded: EncodedFloat64Array, target: Float64Array): void {
  const bytes = Buffer.from(encoded.base64, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < target.length; i++) target[i] = view.getFloat64(i * 8, true);
}

/**
 * Every problem with `state` as a snapshot of an optimizer `name` over tensors of `paramSizes` holding
 * `bufferNames`. It is run on whatever JSON.parse produced, so nothing about its shape is assumed.
 */
export function optimizerStateIssues(
  state: unknown,
  name: string,
  paramSizes: readonly number[],
  bufferNames: readonly string[],
): Issue[] {
  const issue = (message: string, where?: string): Issue => ({ code: 'invalid-optimizer-state', message, where });
  if (typeof state !== 'object' || state === null) return [issue('expected an optimizer state object')];
  const s = state as Partial<Record<keyof OptimizerState, unknown>>;
  const issues: Issue[] = [];
  if (s.optimizer !== name) issues.push(issue(`saved by optimizer '${String(s.optimizer)}', cannot load into '${name}'`, 'optimizer'));
  if (s.version !== 1) issues.push(issue(`unsupported state version ${String(s.version)}; expected 1`, 'version'));
  if (typeof s.steps !== 'number' || !Number.isInteger(s.steps) || s.steps < 0) {
    issues.push(issue(`expected a whole number of steps ≥ 0, got ${String(s.steps)}`, 'steps'));
  }
  const sizes = s.paramSizes;
  if (!Array.isArray(sizes) || sizes.length !== paramSizes.length || sizes.some((n, i) => n !== paramSizes[i])) {
    issues.push(
      issue(
        `saved for parameter tensors of sizes [${Array.isArray(sizes) ? sizes.join(', ') : String(sizes)}], ` +
          `but this optimizer holds [${paramSizes.join(', ')}]`,
        'paramSizes',
      ),
    );
    return issues;
  }
  const buffers = s.buffers;
  if (typeof buffers !== 'object' || buffers === null) return [...issues, issue('expected an object of buffers', 'buffers')];
  const saved = Object.keys(buffers);
  const missing = bufferNames.filter((b) => !saved.includes(b));
  const extra = saved.filter((b) => !bufferNames.includes(b));
  if (missing.length > 0 || extra.length > 0) {
    issues.push(issue(`expected buffers [${bufferNames.join(', ')}], got [${saved.join(', ')}]`, 'buffers'));
  }
  for (const bufferName of bufferNames) {
    const arrays = (buffers as Record<string, unknown>)[bufferName];
    if (arrays === undefined) continue;
    if (!Array.isArray(arrays) || arrays.length !== paramSizes.length) {
      issues.push(issue(`expected ${paramSizes.length} encoded arrays`, `buffers.${bufferName}`));
      continue;
    }
    arrays.forEach((encoded: unknown, i) => issues.push(...encodedArrayIssues(encoded, paramSizes[i], `buffers.${bufferName}[${i}]`)));
  }
  return issues;
}
