import { createHandler } from '#shared/http/create-handler.ts';
import { scimResponse } from '#shared/http/responses.ts';
import { resourceTypes } from '#shared/scim/discovery.ts';

export const handler = createHandler('scim-resource-types-list', async () => scimResponse(200, resourceTypes(), { 'Cache-Control': 'public, max-age=300' }));
