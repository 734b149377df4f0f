import * as E from 'fp-ts/Either';
import type { Issue } from '../errors';
import { compileLaw, type CompiledLaw } from '../symbolic/compile-law';
import { FunctionTable } from '../symbolic/function-table';

/**
 * A voltage-controlled current source (VCCS): a current into one node (`vn`, its own voltage, may be read)
 * that is an expression of named control-node voltages and parameters, e.g. `g * tanh(va - vb) + a`.
 * It is an `ElementLaw` with ports [...controls, 'vn'] and one current stamped +1 on the last port, so the
 * symbolic engine gives its kernels, Jacobian products and parameter gradients like any branch's.
 */
export interface ControlledSourceDefinition {
  readonly name: string;
  /** Control-port symbols, e.g. ['va', 'vb']. */
  readonly controls: readonly string[];
  readonly params: readonly string[];
  /** Current into the output node, in the control symbols, `vn` and the parameters. */
  readonly current: string;
}

export interface CompiledControlledSource {
  readonly definition: ControlledSourceDefinition;
  readonly law: CompiledLaw;
}

export const OUTPUT_PORT = 'vn';

export function compileControlledSource(definition: ControlledSourceDefinition, functions = new FunctionTable()): E.Either<Issue[], CompiledControlledSource> {
  const ports = [...definition.controls, OUTPUT_PORT];
  const law = compileLaw(
    { owner: `controlled source '${definition.name}'`, ports, params: definition.params, currents: [{ expression: definition.current, stamps: [{ port: ports.length - 1, sign: 1 }] }] },
    functions,
  );
  return E.map((compiled: CompiledLaw) => ({ definition, law: compiled }))(law);
}

/** E sources of one kind: `conn[k][e]` is the node on port k (controls, then the output node). */
export interface ControlledSourceGroup {
  readonly type: CompiledControlledSource;
  readonly conn: Int32Array[];
  /** P×E, row k = parameter k of every source. */
  readonly params: Float64Array;
  readonly size: number;
}

export interface ControlledSourceGroupInput {
  readonly type: CompiledControlledSource;
  /** Per source: the control nodes in declaration order (0 = ground allowed). */
  readonly controls: readonly (readonly number[])[];
  /** Per source: the node the current flows into. */
  readonly output: ArrayLike<number>;
  readonly params: ArrayLike<number>;
}

export function createControlledSourceGroup(input: ControlledSourceGroupInput, numNodes: number, where: string): E.Either<Issue[], ControlledSourceGroup> {
  const issues: Issue[] = [];
  const size = input.output.length;
  const K = input.type.definition.controls.length;
  if (input.controls.length !== size) issues.push({ code: 'edge-length-mismatch', where, message: `${size} outputs but ${input.controls.length} control lists` });
  const conn = Array.from({ length: K + 1 }, () => new Int32Array(size));
  const check = (n: number, at: string, allowGround: boolean) => {
    if (!Number.isInteger(n) || n < (allowGround ? 0 : 1) || n > numNodes) {
      issues.push({ code: 'node-out-of-range', where: at, message: `node ${n} does not exist${allowGround ? '' : ' (the output cannot be ground)'}: nodes are ${allowGround ? 0 : 1}..${numNodes}` });
    }
  };
  for (let e = 0; e < size && issues.length < 5; e++) {
    const controls = input.controls[e] ?? [];
    if (controls.length !== K) issues.push({ code: 'control-count', where: `${where}.controls[${e}]`, message: `source type '${input.type.definition.name}' reads ${K} control nodes, got ${controls.length}` });
    controls.forEach((n, k) => {
      check(n, `${where}.controls[${e}][${k}]`, true);
      conn[k][e] = n;
    });
    check(input.output[e], `${where}.output[${e}]`, false);
    conn[K][e] = input.output[e];
  }
  const P = input.type.definition.params.length;
  if (input.params.length !== P * size) issues.push({ code: 'param-count', where: `${where}.params`, message: `${P} parameters × ${size} sources = ${P * size} values, got ${input.params.length}` });
  const params = Float64Array.from(input.params as ArrayLike<number>);
  const bad = params.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) issues.push({ code: 'nonfinite-param', where: `${where}.params`, message: `parameter value ${bad} is ${params[bad]}` });
  return issues.length ? E.left(issues) : E.right({ type: input.type, conn, params, size });
}
