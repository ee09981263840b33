import type * as z from 'zod/mini';
import { ValidationError, type ScimType } from '../errors/domain-errors.ts';

/** Picks the SCIM error type of a validation issue; undefined falls back to the default. */
export type ScimTypeOfIssue = (issue: z.core.$ZodIssue) => ScimType | undefined;

/**
 * Validates caller input with a zod schema; a mismatch becomes a ValidationError whose message
 * names each offending field, so every API family reports it in its own format.
 *
 * The SCIM error type (used only in the SCIM family's error bodies) is, in order: the one a
 * refinement carries in `params.scimType`, the one `scimTypeOf` picks, `invalidSyntax` when the
 * body is missing or is not the structure asked for at all, and otherwise `scimType`.
 */
export function validate<T extends z.ZodMiniType>(
  schema: T,
  value: unknown,
  where: 'body' | 'query' | 'path' | 'form' | 'header',
  scimType: ScimType = 'invalidValue',
  scimTypeOf?: ScimTypeOfIssue,
): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
  const label = { body: 'request body', query: 'query parameter', path: 'path parameter', form: 'form field', header: 'header' }[where];
  const field = first && first.path.length > 0 ? first.path.join('.') : undefined;
  throw new ValidationError(`Invalid ${label}${field ? ` '${field}'` : ''}: ${problems}`, {
    scimType: issueScimType(first, value, where, scimType, scimTypeOf),
    ...(field ? { field } : {}),
  });
}

function issueScimType(
  issue: z.core.$ZodIssue | undefined,
  value: unknown,
  where: string,
  fallback: ScimType,
  scimTypeOf: ScimTypeOfIssue | undefined,
): ScimType {
  if (where === 'body' && value === undefined) return 'invalidSyntax';
  if (!issue) return fallback;
  const carried = issue.code === 'custom' ? (issue.params as { scimType?: ScimType } | undefined)?.scimType : undefined;
  if (carried) return carried;
  const picked = scimTypeOf?.(issue);
  if (picked) return picked;
  if (where === 'body' && issue.path.length === 0 && issue.code === 'invalid_type') return 'invalidSyntax';
  return fallback;
}
