export { conductance } from './conductance';
export { branchModuleSource, type BranchModuleOptions } from './fitting/branch-module';
export { constant, MAX_SPLINE_KNOTS, polynomialLaw, splineLaw } from './fitting/device-laws';
export { curveOf, defaultTheta, ivExtrema, steepestNdr, type IvCurve, type IvExtremum, type SteepestSlope } from './fitting/extrema';
export {
  fitDevice,
  fitError,
  MAX_FIT_DEGREE,
  type FitDeviceOptions,
  type FitErrorReport,
  type FitMethod,
  type FitReport,
  type FittedDevice,
} from './fitting/fit-device';
export { parseIvCsv, type IvData, type IvFileIssue } from './fitting/iv-csv';
export { evaluatePolynomial, fitPolynomial, type PolynomialFit, type PolynomialFitProblem } from './fitting/polynomial-fit';
export { evaluateSpline, evaluateSplineSlope, interpolatingSpline, smoothingSpline, type CubicSpline, type SmoothingResult } from './fitting/spline';
export { EXAMPLE_TABLE, ivTable, type IvTableOptions } from './iv-table';
export { polynomial, type PolynomialOptions } from './polynomial';
export { branchFamilies, branchTypes, registerBranches, topologies } from './register';
export { fullyConnect } from './topologies/fully-connect';
export { mixConnect } from './topologies/mix-connect';
export { scaledTanh } from './scaled-tanh';
export { schulmanRtd } from './schulman-rtd';
export { shiftLeakyRelu1 } from './shift-leaky-relu-1';
export { shiftLeakyRelu2 } from './shift-leaky-relu-2';
export { shiftRelu1 } from './shift-relu-1';
export { shiftRelu2 } from './shift-relu-2';
export { shiftTanh1 } from './shift-tanh-1';
export { shiftTanh2 } from './shift-tanh-2';
export { shockleyDiode } from './shockley-diode';
export { K_OVER_Q } from './thermal';
export { tunnelDiode } from './tunnel-diode';
