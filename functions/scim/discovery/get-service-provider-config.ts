import { createHandler } from '#shared/http/create-handler.ts';
import { scimResponse } from '#shared/http/responses.ts';
import { serviceProviderConfig } from '#shared/scim/discovery.ts';

export const handler = createHandler('scim-service-provider-config', async () => scimResponse(200, serviceProviderConfig(), { 'Cache-Control': 'public, max-age=300' }));
