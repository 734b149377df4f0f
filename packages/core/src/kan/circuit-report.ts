import type { KanModel } from './model';

/**
 * The circuit reading of a KAN (kanalogue.md §4): per layer, n_in·D voltage-driven devices (each input
 * voltage drives D devices, shared by all outputs) whose currents a TIA turns into row voltages of a
 * crossbar of n_in·D rows × n_out columns of signed conductances (differential pairs: two devices per
 * coefficient), summed by KCL into n_out virtual-ground summing nodes. Norms between layers are digital
 * or peripheral and are not counted.
 */
export interface KanLayerCircuit {
  readonly devices: number;
  readonly tias: number;
  readonly crossbarRows: number;
  readonly crossbarColumns: number;
  /** Non-zero coefficients (pruned ones need no conductance). */
  readonly coefficients: number;
  /** Two per non-zero coefficient. */
  readonly conductances: number;
  readonly summingNodes: number;
}

export interface KanCircuitReport {
  readonly layers: readonly KanLayerCircuit[];
  readonly devices: number;
  readonly crossbarCells: number;
  readonly conductances: number;
  readonly summingNodes: number;
}

export function kanCircuitReport(model: KanModel): KanCircuitReport {
  const layers = model.layout.map((L) => {
    const c = model.params[L.coefficients];
    let nonZero = 0;
    for (let k = 0; k < c.length; k++) if (c[k] !== 0) nonZero++;
    return {
      devices: L.nIn * L.D,
      tias: L.nIn * L.D,
      crossbarRows: L.nIn * L.D,
      crossbarColumns: L.nOut,
      coefficients: nonZero,
      conductances: 2 * nonZero,
      summingNodes: L.nOut,
    };
  });
  const sum = (f: (l: KanLayerCircuit) => number) => layers.reduce((n, l) => n + f(l), 0);
  return {
    layers,
    devices: sum((l) => l.devices),
    crossbarCells: sum((l) => l.crossbarRows * l.crossbarColumns),
    conductances: sum((l) => l.conductances),
    summingNodes: sum((l) => l.summingNodes),
  };
}
