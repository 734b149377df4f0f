// A plugin module: the CLI's `--plugin` registers every branch type, family and function rule it exports.
export { softDiode } from './soft-diode';
