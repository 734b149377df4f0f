// KANalogue: Kolmogorov–Arnold networks over fixed device bases (docs/kanalogue.md).
export { deviceBasis, functionBasis, type DeviceBasis, type DeviceBasisScaling, type KanBasis } from './basis';
export { createKanModel, type KanInit, type KanLayerParams, type KanLayerSpec, type KanModel, type KanSpec } from './model';
export { applyPre, CLAMP_HIGH, PRE_FUNCTIONS, preExpression, type PreFunction } from './pre';
export { NORMS, type NormKind } from './norm';
export { edgeCoefficients, edgeExpression, edgeMagnitude, layerClosedForm, pruneEdges, rankedEdges, sampleEdge, type EdgeRef } from './edges';
export { kanCircuitReport, type KanCircuitReport, type KanLayerCircuit } from './circuit-report';
export { noiseSweep, type NoiseSweepOptions, type NoiseSweepRow } from './noise';
export { kanOutputNode, writeKanSpiceNetlist, type KanSpiceRequest } from './spice-netlist';
