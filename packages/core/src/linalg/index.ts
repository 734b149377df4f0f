// Linear algebra for implicit solvers: dense LU for small systems, GMRES for large ones.
export { DenseLu } from './dense-lu';
export { Gmres, type GmresOutcome, type LinearOperator } from './gmres';
