export { operatingPoint, type OperatingPoint, type OperatingPointOptions } from './operating-point';
export { stabilityAt, type NodeStability, type StabilityReport } from './stability';
