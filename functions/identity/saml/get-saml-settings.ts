import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { samlSettingsView } from '#shared/saml/settings.ts';

export const handler = createHandler('identity-saml-settings-get', async (request) => {
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, await samlSettingsView(organizationId));
});
