import type { z } from 'zod';
import { ValidationError, type ScimType } from '../errors/domain-errors.ts';

/**
 * Validates caller input with a zod schema; a mismatch becomes a ValidationError whose message
 * names each offending field, so every API family reports it in its own format.
 */
export function validate<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: 'body' | 'query' | 'path' | 'form',
  scimType: ScimType = 'invalidValue',
): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
  const label = { body: 'request body', query: 'query parameter', path: 'path parameter', form: 'form field' }[where];
  const field = first && first.path.length > 0 ? first.path.join('.') : undefined;
  throw new ValidationError(`Invalid ${label}${field ? ` '${field}'` : ''}: ${problems}`, {
    scimType: value === undefined && where === 'body' ? 'invalidSyntax' : scimType,
    ...(field ? { field } : {}),
  });
}
