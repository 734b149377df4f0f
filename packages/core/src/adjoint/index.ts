export type { AdjointMethod, SliceBackward, SliceForward, SliceProblem } from './adjoint-method';
export { isDifferentiable, normSegmentsOf, type DifferentiableTerm } from './differentiable-term';
export { backsolve } from './backsolve';
export { checkpointed } from './checkpointed';
export { discrete, isReversible, type ReversibleStepper } from './discrete';
export { modelGradient, type GradientRequest, type GradientResult } from './model-gradient';
export { adjointCircuitRhs, deriveAdjointCircuit, type AdjointBranchGroup, type AdjointCircuit } from './adjoint-circuit';
export { verifyAdjointTopology, type TopologyReport } from './verify';
export { adjointMethods, registerAdjointMethods } from './register';
