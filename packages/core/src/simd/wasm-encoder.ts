/**
 * A WebAssembly binary writer for the few instructions the SIMD kernels need (core spec 2.0: i32, f64,
 * v128 with f64x2 lanes, bulk memory fill, an imported shared memory). Writing the bytes ourselves keeps
 * kernel compilation synchronous and dependency-free; `WebAssembly.validate` and the kernel tests
 * (against the JavaScript kernels and finite differences) check what it writes.
 *
 * Opcodes: https://webassembly.github.io/spec/core/binary/instructions.html (SIMD under prefix 0xfd).
 */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof F64 | typeof V128;

/** f64x2 and v128 operations under the 0xfd prefix. */
export const SIMD = {
  load: 0x00,
  store: 0x0b,
  const: 0x0c,
  splat: 0x14,
  extractLane: 0x21,
  replaceLane: 0x22,
  eq: 0x47,
  ne: 0x48,
  lt: 0x49,
  gt: 0x4a,
  le: 0x4b,
  ge: 0x4c,
  not: 0x4d,
  and: 0x4e,
  andnot: 0x4f,
  or: 0x50,
  xor: 0x51,
  bitselect: 0x52,
  abs: 0xec,
  neg: 0xed,
  sqrt: 0xef,
  add: 0xf0,
  sub: 0xf1,
  mul: 0xf2,
  div: 0xf3,
  min: 0xf4,
  max: 0xf5,
  pmin: 0xf6,
  pmax: 0xf7,
} as const;
export type SimdOp = keyof typeof SIMD;

const OP = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  call: 0x10,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f64Load: 0x2b,
  f64Store: 0x39,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32Shl: 0x74,
  f64Add: 0xa0,
  prefixBulk: 0xfc,
  prefixSimd: 0xfd,
  blockVoid: 0x40,
} as const;

function unsignedLeb(out: number[], value: number): void {
  let v = value >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
}

function signedLeb(out: number[], value: number): void {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

function name(out: number[], text: string): void {
  const bytes = new TextEncoder().encode(text);
  unsignedLeb(out, bytes.length);
  out.push(...bytes);
}

/** One function body under construction: typed locals after the parameters, and its instructions. */
export class FunctionBuilder {
  readonly code: number[] = [];

  constructor(
    readonly params: readonly ValueType[],
    readonly locals: ValueType[] = [],
  ) {}

  /** A builder for a separate run of code that shares this function's locals (spliced in with `append`). */
  scratch(): FunctionBuilder {
    return new FunctionBuilder(this.params, this.locals);
  }

  append(other: FunctionBuilder): this {
    for (const b of other.code) this.code.push(b);
    return this;
  }

  /** A new local of the given type; returns its index. */
  local(type: ValueType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  get(index: number): this {
    return this.raw(OP.localGet).u32(index);
  }
  set(index: number): this {
    return this.raw(OP.localSet).u32(index);
  }
  tee(index: number): this {
    return this.raw(OP.localTee).u32(index);
  }
  i32(value: number): this {
    this.code.push(OP.i32Const);
    signedLeb(this.code, value);
    return this;
  }
  i32Add(): this {
    return this.raw(OP.i32Add);
  }
  i32Mul(): this {
    return this.raw(OP.i32Mul);
  }
  i32Shl(): this {
    return this.raw(OP.i32Shl);
  }
  i32GeU(): this {
    return this.raw(OP.i32GeU);
  }
  i32LtU(): this {
    return this.raw(OP.i32LtU);
  }
  /** i32.load with natural alignment (4 bytes). */
  i32Load(offset = 0): this {
    return this.raw(OP.i32Load).u32(2).u32(offset);
  }
  f64Load(offset = 0): this {
    return this.raw(OP.f64Load).u32(3).u32(offset);
  }
  f64Store(offset = 0): this {
    return this.raw(OP.f64Store).u32(3).u32(offset);
  }
  f64Add(): this {
    return this.raw(OP.f64Add);
  }
  simd(op: SimdOp): this {
    this.code.push(OP.prefixSimd);
    unsignedLeb(this.code, SIMD[op]);
    return this;
  }
  /** v128.load / v128.store with 16-byte alignment hint (a hint only: misaligned access is still correct). */
  v128Load(offset = 0): this {
    return this.simd('load').u32(4).u32(offset);
  }
  v128Store(offset = 0): this {
    return this.simd('store').u32(4).u32(offset);
  }
  /** A v128 constant holding `value` in both f64 lanes. */
  f64x2Const(value: number): this {
    this.simd('const');
    const lane = new Uint8Array(new Float64Array([value]).buffer);
    this.code.push(...lane, ...lane);
    return this;
  }
  lane(op: 'extractLane' | 'replaceLane', index: 0 | 1): this {
    this.simd(op);
    this.code.push(index);
    return this;
  }
  call(functionIndex: number): this {
    return this.raw(OP.call).u32(functionIndex);
  }
  block(): this {
    return this.raw(OP.block, OP.blockVoid);
  }
  loop(): this {
    return this.raw(OP.loop, OP.blockVoid);
  }
  end(): this {
    return this.raw(OP.end);
  }
  br(depth: number): this {
    return this.raw(OP.br).u32(depth);
  }
  brIf(depth: number): this {
    return this.raw(OP.brIf).u32(depth);
  }
  /** memory.fill (destination, value, length on the stack). */
  memoryFill(): this {
    this.code.push(OP.prefixBulk);
    unsignedLeb(this.code, 11);
    this.code.push(0x00);
    return this;
  }

  private raw(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }
  private u32(value: number): this {
    unsignedLeb(this.code, value);
    return this;
  }
}

export interface ImportedFunction {
  readonly module: string;
  readonly name: string;
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
}

export interface DefinedFunction {
  readonly exportName: string;
  readonly body: FunctionBuilder;
  readonly results: readonly ValueType[];
}

export interface ModuleSpec {
  /** The imported shared linear memory: `env.memory` with these page limits. */
  readonly memory: { readonly minimumPages: number; readonly maximumPages: number };
  /** Imported functions take indices 0..n−1, defined functions follow in order. */
  readonly imports: readonly ImportedFunction[];
  readonly functions: readonly DefinedFunction[];
}

/** The module's bytes. */
export function encodeModule(spec: ModuleSpec): Uint8Array {
  const types: string[] = [];
  const typeIndex = (params: readonly ValueType[], results: readonly ValueType[]): number => {
    const key = `${params.join(',')}->${results.join(',')}`;
    let index = types.indexOf(key);
    if (index < 0) index = types.push(key) - 1;
    return index;
  };
  const importTypes = spec.imports.map((f) => typeIndex(f.params, f.results));
  const functionTypes = spec.functions.map((f) => typeIndex(f.body.params, f.results));

  const typeSection: number[] = [];
  unsignedLeb(typeSection, types.length);
  for (const key of types) {
    const [params, results] = key.split('->').map((s) => (s === '' ? [] : s.split(',').map(Number)));
    typeSection.push(0x60);
    unsignedLeb(typeSection, params.length);
    typeSection.push(...params);
    unsignedLeb(typeSection, results.length);
    typeSection.push(...results);
  }

  const importSection: number[] = [];
  unsignedLeb(importSection, spec.imports.length + 1);
  name(importSection, 'env');
  name(importSection, 'memory');
  importSection.push(0x02, 0x03); // memory, limits with maximum, shared
  unsignedLeb(importSection, spec.memory.minimumPages);
  unsignedLeb(importSection, spec.memory.maximumPages);
  spec.imports.forEach((f, i) => {
    name(importSection, f.module);
    name(importSection, f.name);
    importSection.push(0x00);
    unsignedLeb(importSection, importTypes[i]);
  });

  const functionSection: number[] = [];
  unsignedLeb(functionSection, functionTypes.length);
  for (const t of functionTypes) unsignedLeb(functionSection, t);

  const exportSection: number[] = [];
  unsignedLeb(exportSection, spec.functions.length);
  spec.functions.forEach((f, i) => {
    name(exportSection, f.exportName);
    exportSection.push(0x00);
    unsignedLeb(exportSection, spec.imports.length + i);
  });

  const codeSection: number[] = [];
  unsignedLeb(codeSection, spec.functions.length);
  for (const f of spec.functions) {
    const body: number[] = [];
    // Consecutive locals of one type are declared as one run.
    const runs: [number, ValueType][] = [];
    for (const t of f.body.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    unsignedLeb(body, runs.length);
    for (const [count, t] of runs) {
      unsignedLeb(body, count);
      body.push(t);
    }
    for (const b of f.body.code) body.push(b);
    body.push(OP.end);
    unsignedLeb(codeSection, body.length);
    for (const b of body) codeSection.push(b);
  }

  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const section = (id: number, content: number[]) => {
    out.push(id);
    unsignedLeb(out, content.length);
    for (const b of content) out.push(b);
  };
  section(1, typeSection);
  section(2, importSection);
  section(3, functionSection);
  section(7, exportSection);
  section(10, codeSection);
  return Uint8Array.from(out);
}
