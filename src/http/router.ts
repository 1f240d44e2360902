import { OpenAPIHono, z } from '@hono/zod-openapi';
import { problemResponse, validationProblem, zodProblems } from './problem.js';

/** An OpenAPI router whose request validation failures are problem+json naming the field. */
export function createRouter(): OpenAPIHono {
  return new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) {
        const prefix = result.target === 'json' ? [] : [result.target];
        return problemResponse(c, validationProblem(zodProblems(result.error, prefix)));
      }
      return undefined;
    },
  });
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

const problem = (description: string) => ({ content: { 'application/problem+json': { schema: problemSchema } }, description });

export const errorResponses = {
  401: problem('Missing or wrong API token'),
  422: problem('Invalid input; `errors` names each field'),
} as const;
export const notFound = { 404: problem('Not found') } as const;
export const conflict = { 409: problem('Conflict (stale version, duplicate, or wrong state)') } as const;

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description };
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { content: { 'application/json': { schema } }, required: true } };
}
