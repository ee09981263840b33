import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validate } from '#shared/http/validation.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { samlSettingsBody } from '#shared/saml/schemas.ts';
import { saveSamlSettings } from '#shared/saml/settings.ts';

export const handler = createHandler('identity-saml-settings-update', async (request) => {
  const body = validate(samlSettingsBody(), request.body, 'body');
  const { organizationId, origin, actor } = tenantOf(request);
  return jsonResponse(200, await saveSamlSettings(organizationId, body, actor, origin));
});
