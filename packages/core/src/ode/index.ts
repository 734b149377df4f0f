// The public surface of the ODE layer: named re-exports only.
export { describeStateIndex, type OdeTerm } from './term';
export type {
  DenseOutput,
  InternalControl,
  Solver,
  SolverInitOptions,
  SolverMeta,
  SolverTolerance,
  StepResult,
} from './solver';
export {
  checkControllerSettings,
  type ConfiguredController,
  type ControllerContext,
  type ControllerSettings,
  type StepControl,
  type StepController,
  type StepControllerMeta,
  type StepDecision,
} from './controller';
export { checkOptions, optionValue, type OptionSchema, type OptionSpec } from './options';
export {
  firstNonFinite,
  largestChangeEntry,
  rmsNorm,
  segmentedRmsNorm,
  worstScaledEntry,
  type ErrorNorm,
} from './norm';
export { firstStepSize, selectInitialStep, type InitialStepInput } from './initial-step';
export {
  DEFAULT_MAX_STEPS,
  type AcceptedStep,
  type ErrorControl,
  type Solution,
  type SolveOptions,
  type SolveStats,
} from './solution';
export { solve } from './solve';
export { checkInternalControl, checkSolveOptions, estimatesError } from './solve-checks';
export {
  DEFAULT_TOLERANCE,
  resolveSolverConfig,
  type SolverConfig,
  type SolverSetup,
  type SolverSetupOptions,
} from './config';
export {
  algebraicEntries,
  checkMass,
  hasJacobian,
  jacobianStructure,
  massOf,
  withJacobianOf,
  type JacobianStructure,
  type JacobianTerm,
} from './jacobian';
export type { StepFailure } from './solver';
