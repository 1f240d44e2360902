// Typed errors raised by the core; the HTTP adapter maps each to a problem+json response.

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. "target.filter.conditions.0.value". */
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
}

export class ValidationError extends DomainError {
  readonly status = 422;
  readonly title = 'Validation failed';
  constructor(
    readonly problems: FieldProblem[],
    /** Extra facts computed while validating (e.g. SMS segment counts), returned to the caller. */
    readonly details?: Record<string, unknown>,
  ) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  }
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly title = 'Not found';
  constructor(readonly entity: string, readonly id: string) {
    super(`${entity} ${id} does not exist`);
  }
}

export class ConflictError extends DomainError {
  readonly status = 409;
  readonly title = 'Conflict';
  constructor(message: string, readonly currentVersion?: number) {
    super(message);
  }
}

export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map(String).join('.');
}
