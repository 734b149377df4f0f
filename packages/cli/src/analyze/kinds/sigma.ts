/** The σ sweep of the MNIST study (relative mismatch), the default of every σ-valued analysis. */
export const SIGMA_DEFAULTS: readonly number[] = [0, 0.01, 0.05, 0.1, 0.2];

/** A spread: any finite number ≥ 0. */
export const checkSigma = (value: number): string | undefined => (Number.isFinite(value) && value >= 0 ? undefined : `σ must be a number ≥ 0, got ${value}`);
