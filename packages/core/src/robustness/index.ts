export {
  addCapacitance,
  namedParamRow,
  perturbCapacitance,
  perturbParameters,
  quantizeParameters,
  restoreNetwork,
  snapshotNetwork,
  usedParamRows,
  withReadoutDelay,
  type NetworkSnapshot,
  type ParamRowFilter,
} from './network-state';
export { computeReadout, scoreReadout, type Readout, type ReadoutBatch, type ReadoutScore } from './readout';
