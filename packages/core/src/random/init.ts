import type { BranchParam, CompiledBranchType, InitSpec } from '../symbolic/branch-type';
import type { Rng } from './rng';

/**
 * Fills a group's P×E parameter block. Each row uses its own init, else the type's default, else
 * kaiming-normal. `fanIn` is the number of edges in the slice: the original applies PyTorch's
 * kaiming_normal_ to the (P, E) tensor, whose fan-in is E, so std = √(2/E).
 */
export function initializeParams(type: CompiledBranchType, edges: number, fanIn: number, rng: Rng): Float64Array {
  const params = new Float64Array(type.paramNames.length * edges);
  type.definition.meta.params.forEach((p: BranchParam, k) => {
    const spec: InitSpec = p.init ?? type.definition.meta.init ?? 'kaiming-normal';
    fillRow(params.subarray(k * edges, (k + 1) * edges), spec, fanIn, rng);
  });
  return params;
}

export function fillRow(row: Float64Array, spec: InitSpec, fanIn: number, rng: Rng): void {
  if (typeof spec === 'number') row.fill(spec);
  else if (spec === 'zeros') row.fill(0);
  else if (spec === 'ones') row.fill(1);
  else if (spec === 'kaiming-normal') {
    const std = Math.sqrt(2 / fanIn);
    for (let i = 0; i < row.length; i++) row[i] = std * rng.normal();
  } else if ('normal' in spec) {
    const { mean = 0, std } = spec.normal;
    for (let i = 0; i < row.length; i++) row[i] = mean + std * rng.normal();
  } else {
    const { low, high } = spec.uniform;
    for (let i = 0; i < row.length; i++) row[i] = low + (high - low) * rng.uniform();
  }
}
