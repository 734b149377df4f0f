import { BRANCH_FAMILY, BRANCH_TYPE, TOPOLOGY, type BranchFamily, type BranchType, type TopologyGenerator } from '@kirchhoff/core';
import type { DependencyContainer } from 'tsyringe';
import { conductance } from './conductance';
import { ivTable } from './iv-table';
import { polynomial } from './polynomial';
import { scaledTanh } from './scaled-tanh';
import { schulmanRtd } from './schulman-rtd';
import { shiftLeakyRelu1 } from './shift-leaky-relu-1';
import { shiftLeakyRelu2 } from './shift-leaky-relu-2';
import { shiftRelu1 } from './shift-relu-1';
import { shiftRelu2 } from './shift-relu-2';
import { shiftTanh1 } from './shift-tanh-1';
import { shiftTanh2 } from './shift-tanh-2';
import { shockleyDiode } from './shockley-diode';
import { tunnelDiode } from './tunnel-diode';
import { fullyConnect } from './topologies/fully-connect';
import { mixConnect } from './topologies/mix-connect';

/** Every built-in branch type, sorted by id. */
export const branchTypes: readonly BranchType[] = [
  conductance,
  scaledTanh,
  schulmanRtd,
  shiftLeakyRelu1,
  shiftLeakyRelu2,
  shiftRelu1,
  shiftRelu2,
  shiftTanh1,
  shiftTanh2,
  shockleyDiode,
  tunnelDiode,
];

export const branchFamilies: readonly BranchFamily[] = [ivTable as BranchFamily, polynomial as BranchFamily];

/** Topology generators: how branches are laid out over nodes. */
export const topologies: readonly TopologyGenerator[] = [fullyConnect, mixConnect];

export function registerBranches(container: DependencyContainer): void {
  for (const type of branchTypes) container.register(BRANCH_TYPE, { useValue: type });
  for (const family of branchFamilies) container.register(BRANCH_FAMILY, { useValue: family });
  for (const topology of topologies) container.register(TOPOLOGY, { useValue: topology });
}
