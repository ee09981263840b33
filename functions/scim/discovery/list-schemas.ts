import { createHandler } from '#shared/http/create-handler.ts';
import { scimResponse } from '#shared/http/responses.ts';
import { schemas } from '#shared/scim/discovery.ts';

export const handler = createHandler('scim-schemas-list', async () => scimResponse(200, schemas(), { 'Cache-Control': 'public, max-age=300' }));
