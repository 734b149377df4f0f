import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { KirchhoffError } from '../errors';
import type { BranchGroup } from '../circuit/circuit';
import { KERNEL_ARGUMENTS, type KernelName } from '../symbolic/kernels';
import { WORKER_SOURCE } from './worker-source';
import { SimdCallBlocks, SimdGroup, simdApplies, simdArena } from '../simd/simd-group';
import type { SimdKernelName } from '../simd/simd-kernels';

/**
 * Offsets into the shared control block (Int32Array); `done + chunk`, `ranges + 2·chunk` and, for SIMD
 * jobs, `outs + chunk`, `fs + chunk` (each thread's own output blocks in the SIMD memory) are per chunk.
 */
const LAYOUT = {
  sequence: 0,
  kind: 1,
  group: 2,
  batch: 3,
  rows: 4,
  fused: 5,
  failed: 6,
  simd: 7,
  v: 8,
  u: 9,
  ranges: 16,
  done: 16 + 2 * 64,
  outs: 16 + 3 * 64,
  fs: 16 + 4 * 64,
  size: 16 + 5 * 64,
  RHS: 1,
  JVP: 2,
  VJP: 3,
  STOP: 4,
} as const;

const MAX_THREADS = 64;

const KIND: Record<SimdKernelName, number> = { rhs: LAYOUT.RHS, jvp: LAYOUT.JVP, jvpFused: LAYOUT.JVP, vjp: LAYOUT.VJP, vjpFused: LAYOUT.VJP };


/**
 * Below this many edge-samples (edges × batch) per kernel call a job runs on the calling thread: waking a
 * worker costs tens of microseconds, about what the kernels need for 10⁵ edge-samples.
 */
export const MIN_PARALLEL_WORK = 100_000;

/** How long the main thread waits for a worker before declaring it lost. */
const WORKER_TIMEOUT_MS = 120_000;

interface GroupEntry {
  readonly id: number;
  /** The group's SIMD home when it runs on SIMD kernels (then mirror and grad are unused). */
  readonly simd: SimdGroup | null;
  /** Parameters the workers read: the group's own array when it lives in shared memory, else a mirror. */
  readonly mirror: Float64Array | null;
  /** The workers' parameter-gradient output, P×E, each worker writing only its own edge range. */
  readonly grad: Float64Array;
  /** Edge range of each chunk: chunk c is [bounds[c], bounds[c + 1]). */
  readonly bounds: Int32Array;
}

let configuredThreads: number | undefined;
let pool: KernelPool | undefined;

/**
 * Threads that evaluate kernels (the calling thread included): `KIRCHHOFF_THREADS`, else `setKernelThreads`,
 * else every core. Results are deterministic for a given thread count, not across counts: the node sums
 * of different edge chunks are added in chunk order.
 */
export function kernelThreads(): number {
  if (configuredThreads !== undefined) return configuredThreads;
  const fromEnv = process.env.KIRCHHOFF_THREADS;
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
      throw new KirchhoffError('invalid-threads', `KIRCHHOFF_THREADS must be a whole number from 1 to ${MAX_THREADS}, got '${fromEnv}'`);
    }
    return n;
  }
  return Math.min(MAX_THREADS, availableParallelism());
}

/** Sets the kernel thread count for this process (1 = no workers); later kernel calls use it. */
export function setKernelThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new KirchhoffError('invalid-threads', `threads must be a whole number from 1 to ${MAX_THREADS}, got ${threads}`);
  }
  configuredThreads = threads;
}

/** The process's pool for the current thread count (with no workers on one thread). */
export function kernelPool(): KernelPool {
  const threads = kernelThreads();
  if (pool?.threads !== threads) {
    pool?.close();
    pool = new KernelPool(threads);
  }
  return pool;
}

/**
 * Runs a branch group's generated kernels, on the WebAssembly SIMD kernels where they apply
 * (`simd/`: an even batch and a law they express) and on worker threads over disjoint edge ranges, in
 * parallel with the calling thread, when the call is large enough.
 *
 * JavaScript kernels: inputs (voltages, directions, adjoints) are copied into shared buffers; every
 * worker writes node sums into its own buffer, which the caller adds to its own in chunk order, and
 * parameter gradients into its own edge range, which needs no reduction. SIMD kernels: the same, in the
 * shared WebAssembly memory, where every thread (the caller included) has its own output block. Calls
 * block until all chunks are done, so the solvers above see an ordinary synchronous function.
 */
export class KernelPool {
  private readonly control: Int32Array;
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly groups = new WeakMap<BranchGroup, GroupEntry>();
  private readonly released = new FinalizationRegistry<number>((id) => this.post({ type: 'release', id }));
  private readonly simdGroups = new WeakMap<BranchGroup, GroupEntry>();
  private readonly releasedSimd = new FinalizationRegistry<{ id: number; simd: SimdGroup }>(({ id, simd }) => {
    this.post({ type: 'release', id });
    simd.release();
  });
  private nextGroupId = 1;
  private sequence = 0;
  private capacity = 0;
  private v: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private u: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private outs: Float64Array<ArrayBufferLike>[] = [];
  private fs: Float64Array<ArrayBufferLike>[] = [];
  private simdBlocks: SimdCallBlocks | null = null;

  constructor(readonly threads: number) {
    this.control = new Int32Array(new SharedArrayBuffer(LAYOUT.size * 4));
    for (let chunk = 1; chunk < threads; chunk++) {
      const channel = new MessageChannel();
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { index: chunk, control: this.control.buffer, port: channel.port2, layout: LAYOUT },
        transferList: [channel.port2],
      });
      // Idle workers must not keep the process alive.
      worker.unref();
      channel.port1.unref();
      this.workers.push(worker);
      this.ports.push(channel.port1);
    }
  }

  /** Whether a call over `group` at batch B is worth splitting. */
  worthwhile(group: BranchGroup, B: number): boolean {
    return this.threads > 1 && group.size * B >= MIN_PARALLEL_WORK && group.size >= this.threads;
  }

  /** Whether this pool should run `group` at batch B (SIMD kernels, or threads); otherwise call the kernels directly. */
  accepts(group: BranchGroup, B: number): boolean {
    return simdApplies(group, B) || this.worthwhile(group, B);
  }

  rhs(group: BranchGroup, conn: readonly Int32Array[], B: number, v: Float64Array, out: Float64Array): void {
    if (simdApplies(group, B)) return this.simdCall('rhs', group, B, v, null, out, null, null);
    const entry = this.prepare(group, v.length);
    this.v.set(v);
    this.start(LAYOUT.RHS, entry, B, v.length, false);
    group.type.law.kernels.rhs(entry.bounds[0], entry.bounds[1], B, conn, group.params, group.size, v, out);
    this.finish(v.length, out, null);
  }

  jvp(group: BranchGroup, conn: readonly Int32Array[], B: number, v: Float64Array, u: Float64Array, out: Float64Array, f: Float64Array | null): void {
    if (simdApplies(group, B)) return this.simdCall(f ? 'jvpFused' : 'jvp', group, B, v, u, out, f, null);
    const entry = this.prepare(group, v.length);
    this.v.set(v);
    this.u.set(u);
    this.start(LAYOUT.JVP, entry, B, v.length, f !== null);
    group.type.law.kernels.jvp(entry.bounds[0], entry.bounds[1], B, conn, group.params, group.size, v, u, out, f);
    this.finish(v.length, out, f);
  }

  vjp(
    group: BranchGroup, conn: readonly Int32Array[], B: number,
    v: Float64Array, a: Float64Array, outA: Float64Array, grad: Float64Array, f: Float64Array | null,
  ): void {
    if (simdApplies(group, B)) return this.simdCall(f ? 'vjpFused' : 'vjp', group, B, v, a, outA, f, grad);
    const entry = this.prepare(group, v.length);
    this.v.set(v);
    this.u.set(a);
    this.start(LAYOUT.VJP, entry, B, v.length, f !== null);
    group.type.law.kernels.vjp(entry.bounds[0], entry.bounds[1], B, conn, group.params, group.size, v, a, outA, grad, f);
    this.finish(v.length, outA, f);
    const E = group.size;
    const P = group.params.length / E;
    for (let chunk = 1; chunk < this.threads; chunk++) {
      for (let p = 0; p < P; p++) {
        for (let i = p * E + entry.bounds[chunk], end = p * E + entry.bounds[chunk + 1]; i < end; i++) grad[i] += entry.grad[i];
      }
    }
  }

  /** Stops the workers; the pool is unusable afterwards. */
  close(): void {
    this.control[LAYOUT.kind] = LAYOUT.STOP;
    Atomics.add(this.control, LAYOUT.sequence, 1);
    Atomics.notify(this.control, LAYOUT.sequence);
    for (const worker of this.workers) void worker.terminate();
  }

  private prepare(group: BranchGroup, rows: number): GroupEntry {
    if (rows > this.capacity) this.grow(rows);
    let entry = this.groups.get(group);
    if (!entry) {
      entry = this.register(group);
      this.groups.set(group, entry);
    }
    // A group whose parameters are not in shared memory is mirrored on every call: optimizers update
    // parameters in place, and a copy costs little next to the kernels.
    entry.mirror?.set(group.params);
    return entry;
  }

  private register(group: BranchGroup): GroupEntry {
    const id = this.nextGroupId++;
    const E = group.size;
    const shared = group.params.buffer instanceof SharedArrayBuffer;
    const mirror = shared ? null : new Float64Array(new SharedArrayBuffer(group.params.byteLength));
    const grad = new Float64Array(new SharedArrayBuffer(group.params.byteLength));
    const bounds = new Int32Array(this.threads + 1);
    for (let c = 0; c <= this.threads; c++) bounds[c] = Math.round((c * E) / this.threads);
    const conn = [group.src, group.dst].map((a) => {
      const copy = new Int32Array(new SharedArrayBuffer(a.byteLength));
      copy.set(a);
      return copy.buffer;
    });
    const law = group.type.law;
    const names: KernelName[] = ['rhs', 'jvp', 'jvpFused', 'vjp', 'vjpFused'];
    this.post({
      type: 'group',
      id,
      sources: Object.fromEntries(names.map((n) => [n, law.kernels.source[n]])),
      args: Object.fromEntries(names.map((n) => [n, KERNEL_ARGUMENTS[n]])),
      conn,
      params: (mirror ?? group.params).buffer,
      paramsOffset: (mirror ?? group.params).byteOffset,
      paramsLength: group.params.length,
      grad: grad.buffer,
      E,
      P: group.params.length / Math.max(1, E),
    });
    this.released.register(group, id);
    return { id, simd: null, mirror, grad, bounds };
  }

  /**
   * One SIMD call: parameters and inputs copied into the SIMD memory, each thread's output blocks cleared
   * and filled by its edge range, then summed into the caller's arrays in thread order (deterministic for
   * a thread count); a VJP's parameter gradient, set by the kernels per edge, is added to `grad`.
   */
  private simdCall(
    kernel: SimdKernelName, group: BranchGroup, B: number,
    v: Float64Array, u: Float64Array | null, out: Float64Array, f: Float64Array | null, grad: Float64Array | null,
  ): void {
    const rows = v.length;
    this.simdBlocks ??= new SimdCallBlocks(simdArena(), this.threads);
    const blocks = this.simdBlocks.holding(rows);
    let entry = this.simdGroups.get(group);
    if (!entry) {
      entry = this.registerSimd(group);
      this.simdGroups.set(group, entry);
    }
    const simd = entry.simd!;
    if (simd.copiesParams) simd.params.set(group.params);
    blocks.views.v.set(v);
    if (u) blocks.views.u.set(u);
    const parallel = this.worthwhile(group, B);
    const chunks = parallel ? this.threads : 1;
    if (parallel) {
      const c = this.control;
      c[LAYOUT.v] = blocks.v;
      c[LAYOUT.u] = blocks.u;
      for (let t = 0; t < this.threads; t++) {
        c[LAYOUT.outs + t] = blocks.outs[t];
        c[LAYOUT.fs + t] = blocks.fs[t];
      }
      this.start(KIND[kernel], entry, 8 * B, rows, f !== null, true);
    }
    const x = simd.exports;
    x.zero(blocks.outs[0], rows * 8);
    if (f) x.zero(blocks.fs[0], rows * 8);
    const end = parallel ? entry.bounds[1] : simd.E;
    x[kernel](0, end, blocks.outs[0], blocks.fs[0], 8 * B, simd.E, simd.paramsAddress, blocks.v, blocks.u, simd.gradAddress, ...simd.conn);
    if (parallel) this.await();
    for (let t = 0; t < chunks; t++) {
      const partial = blocks.views.outs[t];
      for (let i = 0; i < rows; i++) out[i] += partial[i];
      if (f) {
        const partialF = blocks.views.fs[t];
        for (let i = 0; i < rows; i++) f[i] += partialF[i];
      }
    }
    if (grad) {
      const g = simd.grad;
      for (let i = 0; i < g.length; i++) grad[i] += g[i];
    }
  }

  private registerSimd(group: BranchGroup): GroupEntry {
    const id = this.nextGroupId++;
    const simd = new SimdGroup(group, simdArena());
    const bounds = new Int32Array(this.threads + 1);
    for (let c = 0; c <= this.threads; c++) bounds[c] = Math.round((c * group.size) / this.threads);
    if (this.workers.length > 0) this.post({ type: 'simd-group', id, memory: simdArena().memory, ...simd.describe() });
    this.releasedSimd.register(group, { id, simd });
    return { id, simd, mirror: null, grad: simd.grad, bounds };
  }

  private grow(rows: number): void {
    this.capacity = Math.max(rows, 2 * this.capacity);
    const shared = () => new Float64Array(new SharedArrayBuffer(this.capacity * 8));
    this.v = shared();
    this.u = shared();
    this.outs = this.workers.map(shared);
    this.fs = this.workers.map(shared);
    this.ports.forEach((port, w) =>
      port.postMessage({ type: 'buffers', v: this.v.buffer, u: this.u.buffer, out: this.outs[w].buffer, f: this.fs[w].buffer }),
    );
  }

  private post(message: Record<string, unknown>): void {
    for (const port of this.ports) port.postMessage(message);
  }

  private start(kind: number, entry: GroupEntry, B: number, rows: number, fused: boolean, simd = false): void {
    const c = this.control;
    c[LAYOUT.kind] = kind;
    c[LAYOUT.simd] = simd ? 1 : 0;
    c[LAYOUT.group] = entry.id;
    c[LAYOUT.batch] = B;
    c[LAYOUT.rows] = rows;
    c[LAYOUT.fused] = fused ? 1 : 0;
    for (let chunk = 0; chunk < this.threads; chunk++) {
      c[LAYOUT.ranges + 2 * chunk] = entry.bounds[chunk];
      c[LAYOUT.ranges + 2 * chunk + 1] = entry.bounds[chunk + 1];
    }
    this.sequence = Atomics.add(c, LAYOUT.sequence, 1) + 1;
    Atomics.notify(c, LAYOUT.sequence);
  }

  /** Waits for every worker, then adds their node sums to the caller's in chunk order. */
  private finish(rows: number, out: Float64Array, f: Float64Array | null): void {
    this.await();
    for (let w = 0; w < this.workers.length; w++) {
      const partial = this.outs[w];
      for (let i = 0; i < rows; i++) out[i] += partial[i];
      if (f) {
        const partialF = this.fs[w];
        for (let i = 0; i < rows; i++) f[i] += partialF[i];
      }
    }
  }

  /** Waits for every worker's chunk of the current job; rethrows a worker's failure. */
  private await(): void {
    const c = this.control;
    for (let chunk = 1; chunk < this.threads; chunk++) {
      const at = LAYOUT.done + chunk;
      const deadline = Date.now() + WORKER_TIMEOUT_MS;
      while (Atomics.load(c, at) !== this.sequence) {
        if (Atomics.wait(c, at, Atomics.load(c, at), 1000) === 'timed-out' && Date.now() > deadline) {
          throw new KirchhoffError('worker-lost', `kernel worker ${chunk} did not finish within ${WORKER_TIMEOUT_MS / 1000} s`);
        }
      }
    }
    if (Atomics.load(c, LAYOUT.failed) === 1) {
      Atomics.store(c, LAYOUT.failed, 0);
      const messages = this.ports.map((p) => receiveMessageOnPort(p)?.message as { message?: string } | undefined).filter((m) => m?.message);
      throw new KirchhoffError('worker-failed', `a kernel worker failed: ${messages.map((m) => m?.message).join('; ')}`);
    }
  }
}
