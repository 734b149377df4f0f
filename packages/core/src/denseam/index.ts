// Dense Associative Memories as RC circuits (docs/denseam.md).
export { createDenseAm, leakBiasSource, type DenseAmModel, type DenseAmSpec, type HiddenSpec, type PopulationSpec } from './dense-am';
export { DenseAmEnergy, type EnergyGroup, type EnergyLayout } from './energy';
export { relaxDenseAm, settlingTime, type RelaxRequest, type RelaxResult, type RelaxTrajectory } from './relax';
export {
  hammingCodewords,
  hammingErrors,
  hammingSpec,
  nodeMajor,
  paritySplit,
  randomMemories,
  toSpin,
  xorCases,
  xorSpec,
  XOR_MEMORIES,
  type CorruptedWords,
} from './tasks';
export {
  ET_CONDUCTANCES,
  ET_CONSTANTS,
  ET_REFERENCE_INIT,
  ET_WIDE_INIT,
  ET_PARAM_NAMES,
  ET_SIZES,
  EtCircuit,
  etLogits,
  etParamList,
  initEtParams,
  zerosLikeEt,
  type EtInitScales,
  type EtParams,
} from './energy-transformer';
export { EtEuler, eulerGrid } from './et-euler';
export { parityEulerLogits, parityEulerLossAndGradient, parityLogits, parityLossAndGradient, parityPredictions, readParityCheckpoint, trainParity, type BatchResult, type ParityTrainingOptions, type ParityTrainingResult } from './parity-training';
