import { sharedParameterArray } from '../simd/simd-group';
import * as E from 'fp-ts/Either';
import type { Issue } from '../errors';
import type { CompiledBranchType } from '../symbolic/branch-type';
import { createControlledSourceGroup, type ControlledSourceGroup, type ControlledSourceGroupInput } from './controlled-source';
import { createCoupling, type CouplingGroup, type CouplingInput } from './coupling';

/**
 * One group of branches of the same type: a directed multigraph's edges with their parameters.
 * `params` holds P rows of E values, row k = θ_k for every edge (the original's (P, E) layout).
 */
export interface BranchGroup {
  readonly type: CompiledBranchType;
  readonly src: Int32Array;
  readonly dst: Int32Array;
  readonly params: Float64Array;
  readonly size: number;
}

/**
 * A circuit: nodes 0..N with 0 the ground (0 V, never integrated), a capacitor from every node to ground,
 * and branch groups. Current flows src → dst: dv_dst/dt gains it, dv_src/dt loses it (divided by C).
 */
export interface Circuit {
  /** Number of non-ground nodes N. */
  readonly numNodes: number;
  /** C of nodes 1..N (index n − 1). */
  readonly capacitance: Float64Array;
  readonly groups: readonly BranchGroup[];
  /** Node-group activations driving crossbars (DenseAM); absent or empty for a KirchhoffNet. */
  readonly couplings?: readonly CouplingGroup[];
  /** Voltage-controlled current sources. */
  readonly sources?: readonly ControlledSourceGroup[];
  /**
   * Clamped nodes (1..N), held at their initial voltage by ideal voltage sources: dv/dt ≡ 0. Their
   * source's current is whatever KCL needs, so they take part in no node equation of their own.
   */
  readonly clamped?: readonly number[];
}

export interface BranchGroupInput {
  readonly type: CompiledBranchType;
  readonly src: ArrayLike<number>;
  readonly dst: ArrayLike<number>;
  /** P×E row-major (row k = θ_k). */
  readonly params: ArrayLike<number>;
}

export interface CircuitInput {
  readonly numNodes: number;
  /** One value for every node, or one per node 1..N. Default 1 F. */
  readonly capacitance?: number | ArrayLike<number>;
  readonly groups: readonly BranchGroupInput[];
  readonly couplings?: readonly CouplingInput[];
  readonly sources?: readonly ControlledSourceGroupInput[];
  readonly clamped?: readonly number[];
}

/** Validates and builds a circuit, collecting every problem with the field it is in. */
export function createCircuit(input: CircuitInput, where = 'circuit'): E.Either<Issue[], Circuit> {
  const issues: Issue[] = [];
  const N = input.numNodes;
  if (!Number.isInteger(N) || N < 1) {
    issues.push({ code: 'invalid-node-count', where: `${where}.nodes`, message: `expected a positive whole number of non-ground nodes, got ${N}` });
    return E.left(issues);
  }
  const capacitance = new Float64Array(N);
  const c = input.capacitance ?? 1;
  if (typeof c === 'number') capacitance.fill(c);
  else if (c.length !== N) {
    issues.push({ code: 'capacitance-length', where: `${where}.capacitance`, message: `expected ${N} values (nodes 1..${N}), got ${c.length}` });
  } else capacitance.set(Array.from(c));
  capacitance.forEach((value, i) => {
    if (!Number.isFinite(value) || value < 0) {
      issues.push({
        code: 'negative-capacitance',
        where: `${where}.capacitance${typeof c === 'number' ? '' : `[${i}]`}`,
        message: `capacitance of node ${i + 1} must be a finite number ≥ 0, got ${value}`,
      });
    }
  });

  const groups: BranchGroup[] = [];
  input.groups.forEach((g, gi) => {
    const at = `${where}.branches[${gi}]`;
    const E_ = g.src.length;
    if (g.dst.length !== E_) {
      issues.push({ code: 'edge-length-mismatch', where: at, message: `${E_} sources but ${g.dst.length} destinations` });
      return;
    }
    const src = Int32Array.from(g.src as ArrayLike<number>);
    const dst = Int32Array.from(g.dst as ArrayLike<number>);
    let bad = 0;
    for (let e = 0; e < E_ && bad < 5; e++) {
      for (const [end, node] of [['source', g.src[e]], ['destination', g.dst[e]]] as const) {
        if (!Number.isInteger(node) || node < 0 || node > N) {
          issues.push({
            code: 'node-out-of-range',
            where: `${at}.edges[${e}]`,
            message: `${end} node ${node} does not exist: nodes are 0 (ground) to ${N}`,
          });
          bad++;
        }
      }
      if (g.src[e] === g.dst[e]) {
        issues.push({ code: 'self-loop', where: `${at}.edges[${e}]`, message: `edge ${g.src[e]}→${g.dst[e]} connects a node to itself` });
        bad++;
      }
    }
    const P = g.type.paramNames.length;
    if (g.params.length !== P * E_) {
      issues.push({
        code: 'param-count',
        where: `${at}.params`,
        message: `branch type '${g.type.definition.name}' has ${P} parameters (${g.type.paramNames.join(', ')}) × ${E_} edges = ${P * E_} values, got ${g.params.length}`,
      });
      return;
    }
    // In shared memory, so that kernel worker threads read the very parameters an optimizer updates in
    // place; in the SIMD kernels' memory when they are on, so that they need no copy either.
    const params = sharedParameterArray(g.params.length);
    params.set(g.params as ArrayLike<number>);
    const firstBad = params.findIndex((x) => !Number.isFinite(x));
    if (firstBad >= 0) {
      issues.push({
        code: 'nonfinite-param',
        where: `${at}.params`,
        message: `${g.type.paramNames[Math.floor(firstBad / E_)]} of edge ${firstBad % E_} is ${params[firstBad]}`,
      });
    }
    groups.push({ type: g.type, src, dst, params, size: E_ });
  });
  const couplings: CouplingGroup[] = [];
  (input.couplings ?? []).forEach((c, i) => {
    const built = createCoupling(c, N, `${where}.couplings[${i}]`);
    if (E.isLeft(built)) issues.push(...built.left);
    else couplings.push(built.right);
  });
  const sources: ControlledSourceGroup[] = [];
  (input.sources ?? []).forEach((s, i) => {
    const built = createControlledSourceGroup(s, N, `${where}.sources[${i}]`);
    if (E.isLeft(built)) issues.push(...built.left);
    else sources.push(built.right);
  });
  const clamped = [...new Set(input.clamped ?? [])].sort((a, b) => a - b);
  clamped.forEach((n) => {
    if (!Number.isInteger(n) || n < 1 || n > N) issues.push({ code: 'node-out-of-range', where: `${where}.clamped`, message: `clamped node ${n} does not exist: nodes are 1..${N}` });
    else if (capacitance[n - 1] === 0) issues.push({ code: 'clamped-algebraic', where: `${where}.clamped`, message: `clamped node ${n} has no capacitance: a clamped node is held by its source, give it a capacitance (any) instead` });
  });
  const extras = {
    ...(couplings.length ? { couplings } : {}),
    ...(sources.length ? { sources } : {}),
    ...(clamped.length ? { clamped } : {}),
  };
  return issues.length ? E.left(issues) : E.right({ numNodes: N, capacitance, groups, ...extras });
}

/** Total number of branches (edges) over all groups. */
export const edgeCount = (circuit: Circuit) => circuit.groups.reduce((n, g) => n + g.size, 0);
