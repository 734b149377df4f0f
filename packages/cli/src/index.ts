// The public surface of @kirchhoff/cli, for end-to-end tests and programs that drive the CLI in-process.
export { runCli, createProgram } from './program';
export { processIo, type CliIo } from './io';
export { simulateCommand, type SimulateOptions, type SimulateReport } from './commands/simulate';
export { branchesCommand, type BranchesOptions, type BranchFamilyInfo, type BranchTypeInfo } from './commands/branches';
export { solversCommand, type SolversOptions } from './commands/solvers';
export { decodeCircuitFile, decodeCircuitText, type DecodedFile } from './config/decode';
export { buildSimulation, type Overrides, type OutputFormat, type SimulationPlan } from './config/build';
export { circuitFileSchema, circuitJsonSchema, type CircuitFile } from './config/schema';
export { CliError, formatIssue, type FieldPath, type FileIssue } from './issues';
