import { createHandler } from '#shared/http/create-handler.ts';
import { validate } from '#shared/http/validation.ts';
import { originOf } from '#shared/http/request-context.ts';
import { metadataQuery } from '#shared/saml/schemas.ts';
import { SAML_METADATA_CONTENT_TYPE, metadataOrganization, spMetadata } from '#shared/saml/sp-metadata.ts';

export const handler = createHandler('identity-saml-metadata', async (request) => {
  const query = validate(metadataQuery(), request.query, 'query');
  const principal = request.principal?.kind === 'operator' ? undefined : request.principal;
  const organizationId = metadataOrganization(query.organization, principal?.organizationId);
  const xml = await spMetadata(organizationId, originOf(request));
  // Short caching: IdPs poll metadata, and a changed entity id should show up soon. A response to
  // a bearer token depends on the Authorization header, so shared caches must keep them apart.
  const headers: Record<string, string> = principal ? { 'Cache-Control': 'private, max-age=300', Vary: 'Authorization' } : { 'Cache-Control': 'public, max-age=300' };
  return { statusCode: 200, headers: { 'Content-Type': SAML_METADATA_CONTENT_TYPE, ...headers }, body: xml };
});
