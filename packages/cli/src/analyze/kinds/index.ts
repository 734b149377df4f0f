import type { AnalysisKind, AnalysisName } from '../kind';
import { capacitance } from './capacitance';
import { mismatch } from './mismatch';
import { parasitic } from './parasitic';
import { quantize } from './quantize';
import { readoutNoise } from './readout-noise';
import { readoutTime } from './readout-time';

/** Every analysis, by name, in the order `kirchhoff analyze --help` lists them. */
export const ANALYSES: ReadonlyMap<AnalysisName, AnalysisKind> = new Map([mismatch, quantize, capacitance, parasitic, readoutTime, readoutNoise].map((kind) => [kind.name, kind]));
