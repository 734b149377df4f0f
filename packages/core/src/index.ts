// The public surface of @kirchhoff/core: named re-exports only.
export { createKirchhoffContainer } from './container';
export { KirchhoffError, ValidationError, type Issue } from './errors';
export { Registry, type Named } from './registry';
export { AUGMENTATION, BRANCH_FAMILY, BRANCH_TYPE, DATASET, DERIVATIVE_RULE, SOLVER, STEP_CONTROLLER } from './tokens';
export type { Augmentation, AugmentationMeta, BatchTransform, Dataset, DatasetLoadOptions, DatasetMeta, DatasetPlugin } from './dataset';

export { createMath } from './math';
export { builtinFunctionRules, type FunctionRule } from './symbolic/functions';
export { FunctionTable } from './symbolic/function-table';
export { parseExpression, type ExpressionContext } from './symbolic/expression';
export { Differentiator } from './symbolic/differentiate';
export { compileLaw, type CompiledLaw, type PointValues } from './symbolic/compile-law';
export { twoTerminalLaw, type CurrentStamp, type ElementLaw, type LawCurrent } from './symbolic/element-law';
export type { JvpKernel, LawKernels, PartialsKernel, RhsKernel, VjpKernel } from './symbolic/kernels';
export { generateTraceKernels, type TraceJvpKernel, type TraceKernels, type TraceRhsKernel, type TraceVjpKernel } from './symbolic/trace-kernels';
export {
  compileBranchType,
  defineBranch,
  defineBranchFamily,
  type BranchFamily,
  type BranchParam,
  type BranchType,
  type CompiledBranchType,
  type InitSpec,
} from './symbolic/branch-type';
export { BranchCatalog, type BranchTypeRef } from './symbolic/branch-catalog';

export { createCircuit, edgeCount, type BranchGroup, type BranchGroupInput, type Circuit, type CircuitInput } from './circuit/circuit';
export { KclDynamics } from './dynamics/kcl-dynamics';
export { kernelThreads, setKernelThreads, MIN_PARALLEL_WORK } from './parallel/kernel-pool';
export { simdKernelsEnabled, setSimdKernels } from './simd/simd-group';
export { Rng, type RngState } from './random/rng';
export { fillRow, initializeParams } from './random/init';
export { drawNoise, NOISE_DISTRIBUTIONS, perturbMultiplicative, quantizeSymmetric, type NoiseDistribution } from './random/perturb';
export { createModel, sliceBoundaries, type Model, type Slice } from './model/model';
export { simulateModel, type SimulationRequest, type SimulationResult } from './model/simulate';
export * from './ode/index';
export * from './adjoint/index';
export type { Topology, TopologyGenerator } from './topology/topology';
export { ADJOINT_METHOD, TOPOLOGY } from './tokens';
export * from './train/index';
export { buildNetwork, encodeInputs, readOutputs, scatterOutputGradient, type Network, type NetworkSliceSpec, type NetworkSpec } from './train/network';
export { evaluate, train, type EpochMetrics, type EvaluationMetrics, type ProgressEvent, type TrainerOptions, type TrainingSummary } from './train/trainer';
export { readCheckpoint, restoreParams, type TrainingCheckpoint } from './train/checkpoint';
export { LOSS, LR_SCHEDULE, OPTIMIZER } from './tokens';
export * from './linalg/index';
export * from './analysis/index';
export * from './cnf/index';
export * from './spice/index';
export * from './robustness/index';
export { evaluateModel, trainModel, BEST_PARAMS, type ModelTrainerOptions, type TrainerSettings } from './train/trainer';
export { networkModel, type NetworkSolving } from './train/network';
export type { TrainableModel } from './train/trainable-model';
export * from './kan/index';
export * from './denseam/index';
export { ACTIVATIONS, activationByName, compileUnitLaws, type ActivationDefinition, type CompiledActivation, type UnitActivationLaws } from './circuit/activation';
export { createCoupling, CouplingKernel, type CouplingGroup, type CouplingInput, type CouplingMode, type WeightLayout } from './circuit/coupling';
export {
  compileControlledSource,
  createControlledSourceGroup,
  OUTPUT_PORT,
  type CompiledControlledSource,
  type ControlledSourceDefinition,
  type ControlledSourceGroup,
  type ControlledSourceGroupInput,
} from './circuit/controlled-source';
export { compileEnergyExpression, EnergyMonitor, simulateWithEnergy, type EnergyFunction } from './dynamics/energy';
export { encodeParams } from './train/checkpoint';
