/**
 * The part of the WebAssembly JavaScript API the SIMD kernels use. TypeScript declares it only in the DOM
 * libraries, which this Node project does not load; Node 20 provides all of it at run time.
 */
declare namespace WebAssembly {
  interface Module {}
  interface Instance {
    readonly exports: Record<string, unknown>;
  }
  interface Memory {
    readonly buffer: SharedArrayBuffer | ArrayBuffer;
    grow(pages: number): number;
  }
  type Imports = Record<string, Record<string, unknown>>;
  var Module: { new (bytes: Uint8Array): Module };
  var Instance: { new (module: Module, imports?: Imports): Instance };
  var Memory: { new (descriptor: { initial: number; maximum?: number; shared?: boolean }): Memory };
  function validate(bytes: Uint8Array): boolean;
}
