import type { BranchGroup } from '../circuit/circuit';
import { SimdArena } from './simd-arena';
import { simdImports, type SimdKernelName, type SimdKernels } from './simd-kernels';

/** A kernel export: (e0, e1, out, f, B8, E, params, v, u, grad, conn_0 … conn_{K−1}), byte addresses. */
export type SimdKernelExport = (...args: number[]) => void;
export type SimdExports = Record<SimdKernelName, SimdKernelExport> & { zero(address: number, bytes: number): void };

let switchedOn: boolean | undefined;

/**
 * Whether branch groups run on the WebAssembly SIMD kernels: `setSimdKernels`, else `KIRCHHOFF_SIMD`
 * (0 turns them off), else on. Off, or for a law they cannot express, or at an odd batch size, the
 * JavaScript kernels run instead; both give the same values up to rounding.
 */
export function simdKernelsEnabled(): boolean {
  if (switchedOn !== undefined) return switchedOn;
  const fromEnv = process.env.KIRCHHOFF_SIMD;
  return fromEnv === undefined || fromEnv === '' || fromEnv !== '0';
}

export function setSimdKernels(on: boolean): void {
  switchedOn = on;
}

let arena: SimdArena | undefined;

/** The process's SIMD memory, created on first use. */
export function simdArena(): SimdArena {
  arena ??= new SimdArena();
  return arena;
}

/**
 * Storage for a circuit's parameters: in the SIMD memory when SIMD kernels are on (kernels then read
 * them in place), else in a SharedArrayBuffer; either way worker threads see in-place updates.
 */
export function sharedParameterArray(length: number): Float64Array {
  return simdKernelsEnabled() ? simdArena().float64Array(length) : new Float64Array(new SharedArrayBuffer(8 * length));
}

/** Whether a group at batch B can run on SIMD kernels (compiling them on first ask). */
export function simdApplies(group: BranchGroup, B: number): boolean {
  return B % 2 === 0 && simdKernelsEnabled() && group.type.law.simdKernels() !== undefined;
}

/**
 * A branch group's home in the SIMD memory: its connections (copied once; they never change), its
 * parameters and the parameter-gradient block the VJP writes, plus the calling thread's instance of the
 * kernels. Parameters that `createCircuit` placed in the SIMD memory are used where they are; others
 * (a circuit assembled by hand) are copied in before every call, since optimizers update them in place.
 */
export class SimdGroup {
  readonly E: number;
  readonly P: number;
  readonly conn: readonly number[];
  readonly paramsAddress: number;
  /** Whether parameters live outside the SIMD memory and are copied in before every call. */
  readonly copiesParams: boolean;
  readonly gradAddress: number;
  readonly params: Float64Array;
  readonly grad: Float64Array;
  readonly exports: SimdExports;
  readonly kernels: SimdKernels;

  constructor(group: BranchGroup, readonly arena: SimdArena) {
    this.kernels = group.type.law.simdKernels()!;
    this.E = group.size;
    this.P = group.params.length / Math.max(1, group.size);
    this.conn = [group.src, group.dst].map((nodes) => {
      const address = arena.allocate(nodes.byteLength);
      arena.i32(address, nodes.length).set(nodes);
      return address;
    });
    const home = arena.addressOf(group.params);
    this.copiesParams = home === undefined;
    this.paramsAddress = home ?? arena.allocate(group.params.byteLength);
    this.gradAddress = arena.allocate(group.params.byteLength);
    this.params = home === undefined ? arena.f64(this.paramsAddress, group.params.length) : group.params;
    this.grad = arena.f64(this.gradAddress, group.params.length);
    this.exports = new WebAssembly.Instance(this.kernels.module, simdImports(this.kernels, arena.memory)).exports as unknown as SimdExports;
  }

  /** Returns the group's blocks to the arena. */
  release(): void {
    for (const address of [...this.conn, this.gradAddress]) this.arena.release(address);
    if (this.copiesParams) this.arena.release(this.paramsAddress);
  }

  /** What a worker needs to run this group's kernels on its own instance. */
  describe(): { module: WebAssembly.Module; mathImports: readonly string[]; conn: readonly number[]; params: number; grad: number; E: number } {
    return { module: this.kernels.module, mathImports: this.kernels.mathImports, conn: this.conn, params: this.paramsAddress, grad: this.gradAddress, E: this.E };
  }
}

/**
 * The SIMD memory's per-call blocks, shared by every group a pool runs: inputs v and u, and per thread
 * (0 = the caller) output blocks out and f, each `capacity` values, with views made once.
 */
export class SimdCallBlocks {
  private capacity = 0;
  v = 0;
  u = 0;
  outs: number[] = [];
  fs: number[] = [];
  views: { v: Float64Array; u: Float64Array; outs: Float64Array[]; fs: Float64Array[] } = { v: new Float64Array(0), u: new Float64Array(0), outs: [], fs: [] };

  constructor(
    private readonly arena: SimdArena,
    private readonly threads: number,
  ) {}

  /** These blocks, grown (doubling) to hold at least `rows` values. */
  holding(rows: number): this {
    if (rows <= this.capacity) return this;
    if (this.capacity > 0) for (const address of [this.v, this.u, ...this.outs, ...this.fs]) this.arena.release(address);
    const n = (this.capacity = Math.max(rows, 2 * this.capacity));
    const block = () => this.arena.allocate(n * 8);
    [this.v, this.u] = [block(), block()];
    this.outs = Array.from({ length: this.threads }, block);
    this.fs = Array.from({ length: this.threads }, block);
    const view = (address: number) => this.arena.f64(address, n);
    this.views = { v: view(this.v), u: view(this.u), outs: this.outs.map(view), fs: this.fs.map(view) };
    return this;
  }
}
