/**
 * Every error Kirchhoff raises on purpose carries a stable kebab-case `code`, which tests match on
 * (never the message text), and a message that says where the problem is and what was expected.
 */
export class KirchhoffError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'KirchhoffError';
  }
}

/** A boundary error (config, plugin definition, expression, file): one of possibly many collected. */
export interface Issue {
  readonly code: string;
  readonly message: string;
  /** Where: a file, a field path such as `slices[0].branches[2].type`, a branch-type name. */
  readonly where?: string;
}

/** Thrown when a validation that collected several issues must become an exception. */
export class ValidationError extends KirchhoffError {
  constructor(readonly issues: readonly Issue[]) {
    super(
      issues[0]?.code ?? 'invalid',
      issues.map((i) => (i.where ? `${i.where}: ${i.message}` : i.message)).join('\n'),
      { issues },
    );
    this.name = 'ValidationError';
  }
}
