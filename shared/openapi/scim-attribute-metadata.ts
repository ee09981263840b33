/**
 * The documentation the OpenAPI documents give the SCIM resource schemas (User, Group, their
 * inputs): attribute and extension descriptions and the `uri-reference` format of URI references.
 * The zod schemas of shared/scim/resource-zod.ts validate requests in the SCIM function bundles
 * and carry none of it; it comes from shared/scim/schema-documentation.ts, by the origin each
 * generated schema is recorded with, when the documents are generated (issue 17).
 */
import type * as z from 'zod/mini';
import { scimSchemaOrigin } from '../scim/resource-zod.ts';
import { attributeDocumentation, schemaDocumentation } from '../scim/schema-documentation.ts';

/**
 * JSON Schema metadata of `schema` when it is part of a generated SCIM resource schema, else
 * undefined: `{ description }` for an attribute (with notes on immutable and write-only attributes
 * and the canonical values) or an extension, `{ format: 'uri-reference' }` for the string of a
 * reference attribute whose reference types include `uri` or `external` (RFC 7643 §7).
 *
 * @throws Error when the attribute or schema has no documentation (unit-tested not to happen).
 */
export function scimAttributeMetadata(schema: z.core.$ZodType): Record<string, unknown> | undefined {
  const origin = scimSchemaOrigin(schema);
  if (!origin) return undefined;
  if (origin.part === 'extension') return { description: schemaDocumentation(origin.schema).description };
  const documentation = attributeDocumentation(origin.schema, origin.path);
  if (origin.part === 'reference') {
    const uri = documentation.referenceTypes?.includes('uri') || documentation.referenceTypes?.includes('external');
    return uri ? { format: 'uri-reference' } : undefined;
  }
  const notes: string[] = [];
  if (origin.attribute.mutability === 'immutable') notes.push('Immutable once set.');
  if (origin.attribute.mutability === 'writeOnly') notes.push('Write-only: never returned.');
  if (documentation.canonicalValues) notes.push(`Canonical values: ${documentation.canonicalValues.join(', ')}.`);
  return { description: [documentation.description, ...notes].join(' ') };
}
