import { createHandler } from '#shared/http/create-handler.ts';
import { validate } from '#shared/http/validation.ts';
import { originOf } from '#shared/http/request-context.ts';
import { organizationQuery } from '#shared/saml/schemas.ts';
import { SAML_METADATA_CONTENT_TYPE, spMetadata } from '#shared/saml/sp-metadata.ts';

export const handler = createHandler('identity-saml-metadata', async (request) => {
  const query = validate(organizationQuery, request.query, 'query');
  const xml = await spMetadata(query.organization, originOf(request));
  // Short caching: IdPs poll metadata, and a changed entity id should show up soon.
  return { statusCode: 200, headers: { 'Content-Type': SAML_METADATA_CONTENT_TYPE, 'Cache-Control': 'public, max-age=300' }, body: xml };
});
