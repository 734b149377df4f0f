export { GROUND, SPICE_FUNCTION_FORMS, spiceNumber, translateBranchType, translateTree, type SpiceEdge, type SpiceLaw } from './translate';
export {
  branchElementName,
  DEFAULT_SPICE_TRANSIENT,
  resolveScaling,
  writeSpiceNetlist,
  type ResolvedScaling,
  type SpiceNetlistRequest,
  type SpiceScaling,
  type SpiceTransient,
} from './netlist';
export { ngspiceAvailable, ngspiceBinary, ngspiceFailure, ngspiceVersion, nodeVoltage, parseWrdata, runNgspice, type NgspiceOptions, type NgspiceRun } from './ngspice';
export { probeLawInNgspice, type LawPoint } from './probe';
export { voltageReport, type Extreme, type NodeRange, type SettlingTime, type Trajectory, type VoltageReport, type VoltageReportOptions } from './report';
export { cosimulate, sampleTrajectory, type CosimRequest, type CosimResult, type SliceAgreement } from './cosim';
export { formatSi, parseSpiceValue } from './units';
