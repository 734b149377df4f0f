import type * as E from 'fp-ts/Either';
import type { Issue } from '../errors';

/** A directed multigraph over nodes 0..numNodes−1 (0 = ground), in the generator's edge order. */
export interface Topology {
  /** Nodes including ground. */
  readonly numNodes: number;
  readonly src: Int32Array;
  readonly dst: Int32Array;
}

/** A topology generator as a plugin (the original's `_fully_connect`, `_mix_connect`, …). */
export interface TopologyGenerator {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly meta: { readonly description: string; readonly options: Readonly<Record<string, string>> };
  generate(options: Readonly<Record<string, unknown>>): E.Either<Issue[], Topology>;
}
