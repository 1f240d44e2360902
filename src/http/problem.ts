// Errors as application/problem+json (RFC 9457). Field problems carry the dotted path of the field.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { DomainError, fieldPath, type FieldProblem, ValidationError, ConflictError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

export function problemResponse(c: Context, problem: Problem): Response {
  return c.newResponse(JSON.stringify(problem), problem.status as ContentfulStatusCode, {
    'content-type': 'application/problem+json',
  });
}

export function zodProblems(error: ZodError, prefix: ReadonlyArray<PropertyKey> = []): FieldProblem[] {
  return error.issues.map((issue) => ({ path: fieldPath([...prefix, ...issue.path]) || '(body)', message: issue.message }));
}

export function validationProblem(errors: FieldProblem[], extra: Record<string, unknown> = {}): Problem {
  return {
    type: 'https://docs.invitations.local/problems/validation',
    title: 'Validation failed',
    status: 422,
    detail: errors.map((e) => `${e.path}: ${e.message}`).join('; '),
    errors,
    ...extra,
  };
}

/** The one place errors become responses; a 500 never echoes the internal message. */
export function errorHandler(logger: Logger) {
  return (error: Error, c: Context): Response => {
    if (error instanceof ValidationError) return problemResponse(c, validationProblem(error.problems, error.details ? { details: error.details } : {}));
    if (error instanceof DomainError) {
      const extra = error instanceof ConflictError && error.currentVersion !== undefined ? { currentVersion: error.currentVersion } : {};
      return problemResponse(c, { type: 'about:blank', title: error.title, status: error.status, detail: error.message, ...extra });
    }
    if (error instanceof HTTPException) {
      const status = error.status;
      return problemResponse(c, { type: 'about:blank', title: status === 401 ? 'Unauthorized' : 'Bad request', status, detail: error.message });
    }
    logger.log('error', 'http.unhandled_error', { path: c.req.path, method: c.req.method, error: error.name });
    return problemResponse(c, { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'Something went wrong on our side.' });
  };
}
