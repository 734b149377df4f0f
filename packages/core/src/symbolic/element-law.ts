/**
 * The general element: a device with K ports (node connections), parameters, and one or more currents,
 * each an expression of the port voltages and the parameters, stamped with a sign onto ports.
 *
 * A stamp `{ port, sign }` adds `sign · I` to dv/dt of the node on that port (times 1/C): a two-terminal
 * branch stamps −I on its source and +I on its destination. A voltage-controlled current source reads
 * four ports and stamps two of them; a node-group activation reads many ports. The kernels, the Jacobian
 * products and the adjoint are generated from this one description, so adding an element kind never
 * touches the dynamics.
 */
export interface CurrentStamp {
  readonly port: number;
  readonly sign: 1 | -1;
}

export interface LawCurrent {
  /** The current as an expression in the port symbols and parameter names. */
  readonly expression: string;
  readonly stamps: readonly CurrentStamp[];
}

export interface ElementLaw {
  /** Who this law belongs to, for messages: e.g. `branch type 'shift-relu-1'`. */
  readonly owner: string;
  /** Symbols naming the voltages of the ports, in port order, e.g. ['vs', 'vd']. */
  readonly ports: readonly string[];
  /** Parameter names, in storage-row order. */
  readonly params: readonly string[];
  readonly currents: readonly LawCurrent[];
}

/** The two-terminal branch: current `expression` flows from port 0 (source) to port 1 (destination). */
export function twoTerminalLaw(owner: string, params: readonly string[], expression: string): ElementLaw {
  return {
    owner,
    ports: ['vs', 'vd'],
    params,
    currents: [{ expression, stamps: [{ port: 0, sign: -1 }, { port: 1, sign: 1 }] }],
  };
}
