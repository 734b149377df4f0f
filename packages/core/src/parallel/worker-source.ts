/**
 * The kernel worker's program, as plain JavaScript evaluated by `new Worker(source, { eval: true })`.
 * It is a string rather than a module so that it runs the same under tsx, vitest and compiled code
 * (a transpiled function's text may reference helpers that exist only in the main bundle).
 *
 * The worker compiles the generated kernels from their source (or instantiates a group's SIMD module over
 * the shared WebAssembly memory), then loops: wait on the control word,
 * drain setup messages, run its share (chunk `index` of the edges) of the job, publish completion. The
 * control block's layout (Int32Array over a SharedArrayBuffer) comes in `workerData` from `kernel-pool.ts`.
 */
export const WORKER_SOURCE = String.raw`
'use strict';
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { index, control, port, layout } = workerData;
const ctl = new Int32Array(control);
const groups = new Map();
let v = null, u = null, out = null, f = null;

function compile(args, source) {
  return new Function(...args, "'use strict';\n" + source);
}

function handle(message) {
  if (message.type === 'group') {
    const kernels = {};
    for (const name of Object.keys(message.sources)) kernels[name] = compile(message.args[name], message.sources[name]);
    groups.set(message.id, {
      kernels,
      conn: message.conn.map((b) => new Int32Array(b)),
      params: new Float64Array(message.params, message.paramsOffset, message.paramsLength),
      grad: new Float64Array(message.grad),
      E: message.E,
      P: message.P,
    });
  } else if (message.type === 'simd-group') {
    const math = {};
    for (const name of message.mathImports) math[name] = Math[name];
    const instance = new WebAssembly.Instance(message.module, { env: { memory: message.memory }, math });
    groups.set(message.id, { simd: instance.exports, conn: message.conn, params: message.params, grad: message.grad, E: message.E });
  } else if (message.type === 'release') {
    groups.delete(message.id);
  } else if (message.type === 'buffers') {
    v = new Float64Array(message.v);
    u = new Float64Array(message.u);
    out = new Float64Array(message.out);
    f = new Float64Array(message.f);
  }
}

const SIMD_KERNEL = [null, ['rhs', 'rhs'], ['jvp', 'jvpFused'], ['vjp', 'vjpFused']];

function runSimd(g, kind, B8, rows, fused, e0, e1) {
  const x = g.simd;
  const out = ctl[layout.outs + index];
  const f = ctl[layout.fs + index];
  x.zero(out, rows * 8);
  if (fused) x.zero(f, rows * 8);
  x[SIMD_KERNEL[kind][fused ? 1 : 0]](e0, e1, out, f, B8, g.E, g.params, ctl[layout.v], ctl[layout.u], g.grad, ...g.conn);
}

function run() {
  const kind = ctl[layout.kind];
  const g = groups.get(ctl[layout.group]);
  const B = ctl[layout.batch];
  const rows = ctl[layout.rows];
  const fused = ctl[layout.fused] === 1;
  const e0 = ctl[layout.ranges + 2 * index];
  const e1 = ctl[layout.ranges + 2 * index + 1];
  if (ctl[layout.simd] === 1) return runSimd(g, kind, B, rows, fused, e0, e1);
  out.fill(0, 0, rows);
  if (fused) f.fill(0, 0, rows);
  const k = g.kernels;
  if (kind === layout.RHS) {
    k.rhs(e0, e1, B, g.conn, g.params, g.E, v, out);
  } else if (kind === layout.JVP) {
    (fused ? k.jvpFused : k.jvp)(e0, e1, B, g.conn, g.params, g.E, v, u, out, fused ? f : null);
  } else if (kind === layout.VJP) {
    for (let p = 0; p < g.P; p++) g.grad.fill(0, p * g.E + e0, p * g.E + e1);
    (fused ? k.vjpFused : k.vjp)(e0, e1, B, g.conn, g.params, g.E, v, u, out, g.grad, fused ? f : null);
  }
}

let seen = 0;
for (;;) {
  Atomics.wait(ctl, layout.sequence, seen);
  const sequence = Atomics.load(ctl, layout.sequence);
  if (sequence === seen) continue;
  seen = sequence;
  let message;
  while ((message = receiveMessageOnPort(port)) !== undefined) handle(message.message);
  if (ctl[layout.kind] === layout.STOP) break;
  try {
    run();
  } catch (error) {
    Atomics.store(ctl, layout.failed, 1);
    port.postMessage({ type: 'error', message: String(error && error.stack || error) });
  }
  Atomics.store(ctl, layout.done + index, sequence);
  Atomics.notify(ctl, layout.done + index);
}
`;
