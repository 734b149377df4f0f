import { KirchhoffError } from '../errors';

const PAGE = 65536;
/** 2 GiB: far above any circuit's needs, and within what 32-bit addressing can reach. */
const MAXIMUM_PAGES = 32768;
const ALIGN = 64;

/**
 * The process's shared WebAssembly memory, which the SIMD kernels of every thread address, with a
 * first-fit allocator over it. Blocks are 64-byte aligned (a cache line; v128 accesses want 16).
 *
 * The memory is shared, so growing it never detaches earlier views: a Float64Array made before a grow
 * still sees the same bytes. Views are therefore made once per block and kept.
 */
export class SimdArena {
  readonly memory = new WebAssembly.Memory({ initial: 16, maximum: MAXIMUM_PAGES, shared: true });
  /** Free blocks [start, size), sorted by start, neighbours merged. */
  private readonly free: [number, number][] = [[ALIGN, 16 * PAGE - ALIGN]];
  private readonly sizes = new Map<number, number>();
  /** Every buffer object the memory has handed out (a new one after each grow), to recognise views. */
  private readonly buffers = new Set<ArrayBufferLike>();
  private readonly adopted = new FinalizationRegistry<number>((address) => this.release(address));

  /** A block of at least `bytes` bytes, zero-filled; address 0 is never returned. */
  allocate(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let i = this.free.findIndex(([, s]) => s >= size);
    if (i < 0) {
      this.grow(size);
      i = this.free.findIndex(([, s]) => s >= size);
    }
    const [start, available] = this.free[i];
    if (available === size) this.free.splice(i, 1);
    else this.free[i] = [start + size, available - size];
    this.sizes.set(start, size);
    new Uint8Array(this.memory.buffer, start, size).fill(0);
    return start;
  }

  release(address: number): void {
    const size = this.sizes.get(address);
    if (size === undefined) return;
    this.sizes.delete(address);
    let i = this.free.findIndex(([s]) => s > address);
    if (i < 0) i = this.free.length;
    this.free.splice(i, 0, [address, size]);
    // Merge with the following, then the preceding block.
    if (i + 1 < this.free.length && address + size === this.free[i + 1][0]) {
      this.free[i][1] += this.free[i + 1][1];
      this.free.splice(i + 1, 1);
    }
    if (i > 0 && this.free[i - 1][0] + this.free[i - 1][1] === address) {
      this.free[i - 1][1] += this.free[i][1];
      this.free.splice(i, 1);
    }
  }

  f64(address: number, length: number): Float64Array {
    return new Float64Array(this.buffer(), address, length);
  }

  i32(address: number, length: number): Int32Array {
    return new Int32Array(this.buffer(), address, length);
  }

  /**
   * A zeroed Float64Array living in this memory, whose block is released when the array is garbage
   * collected: kernels address it directly, so data kept here (a circuit's parameters) is never copied.
   */
  float64Array(length: number): Float64Array {
    const address = this.allocate(length * 8);
    const view = this.f64(address, length);
    this.adopted.register(view, address);
    return view;
  }

  /** The byte address of a view into this memory, or undefined for any other array. */
  addressOf(view: ArrayBufferView): number | undefined {
    return this.buffers.has(view.buffer) ? view.byteOffset : undefined;
  }

  private buffer(): ArrayBufferLike {
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    return buffer;
  }

  /** Bytes currently reserved (for tests and diagnostics). */
  get used(): number {
    let total = 0;
    for (const size of this.sizes.values()) total += size;
    return total;
  }

  private grow(size: number): void {
    const before = this.memory.buffer.byteLength;
    const needed = Math.ceil(size / PAGE);
    // At least double while there is room: few grows.
    const pages = Math.max(needed, Math.min(before / PAGE, MAXIMUM_PAGES - before / PAGE));
    if (before / PAGE + needed > MAXIMUM_PAGES) {
      throw new KirchhoffError('simd-memory', `SIMD kernel memory would exceed ${(MAXIMUM_PAGES * PAGE) / 2 ** 30} GiB; set KIRCHHOFF_SIMD=0 to use the JavaScript kernels`);
    }
    this.memory.grow(pages);
    const last = this.free[this.free.length - 1];
    if (last && last[0] + last[1] === before) last[1] += pages * PAGE;
    else this.free.push([before, pages * PAGE]);
  }
}
