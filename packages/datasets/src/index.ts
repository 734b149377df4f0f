export { circles } from './circles';
export { friedman1 } from './friedman1';
export { datasets, registerDatasets } from './register';
export { spirals } from './spirals';
export { defineSynthetic, type SyntheticSpec } from './synthetic';
export { twoMoons } from './two-moons';
export { xor } from './xor';
