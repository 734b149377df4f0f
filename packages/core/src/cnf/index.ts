// The public surface of continuous normalising flows over circuits.
export { CnfDynamics } from './cnf-dynamics';
export {
  flowLogDensity,
  flowNorm,
  simulateFlow,
  standardNormalLogDensity,
  type FlowDirection,
  type FlowRequest,
  type FlowResult,
  type LogDensityResult,
} from './flow';
export { flowGradient, gaussianNll, type FlowGradientRequest, type FlowGradientResult } from './flow-gradient';
export { trainFlow, type FlowIteration, type FlowTrainingOptions, type FlowTrainingResult } from './train-flow';
