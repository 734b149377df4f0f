import * as E from 'fp-ts/Either';
import type { Issue } from '../errors';
import type { Circuit } from '../circuit/circuit';

/** One time slice: a circuit run for `duration` from the state the previous slice ended in. */
export interface Slice {
  readonly duration: number;
  readonly circuit: Circuit;
}

/**
 * A time-sliced model (the original's layers): slice i runs over [t_i, t_i + duration_i] with its own
 * topology and parameters, starting from the final state of slice i − 1. All slices share the node set.
 */
export interface Model {
  readonly numNodes: number;
  readonly slices: readonly Slice[];
}

export function createModel(slices: readonly Slice[], where = 'model'): E.Either<Issue[], Model> {
  const issues: Issue[] = [];
  if (slices.length === 0) issues.push({ code: 'no-slices', where, message: 'a model needs at least one slice' });
  const numNodes = slices[0]?.circuit.numNodes ?? 0;
  slices.forEach((s, i) => {
    if (!(s.duration > 0) || !Number.isFinite(s.duration)) {
      issues.push({ code: 'invalid-duration', where: `${where}.slices[${i}].duration`, message: `expected a finite duration > 0, got ${s.duration}` });
    }
    if (s.circuit.numNodes !== numNodes) {
      issues.push({
        code: 'slice-node-mismatch',
        where: `${where}.slices[${i}]`,
        message: `slice has ${s.circuit.numNodes} nodes but slice 0 has ${numNodes}; all slices share one node set`,
      });
    }
  });
  return issues.length ? E.left(issues) : E.right({ numNodes, slices });
}

/** Start and end time of every slice, slice 0 starting at t = 0. */
export function sliceBoundaries(model: Model): { t0: number; t1: number }[] {
  let t = 0;
  return model.slices.map((s) => {
    const span = { t0: t, t1: t + s.duration };
    t = span.t1;
    return span;
  });
}
