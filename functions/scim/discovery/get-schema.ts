import { createHandler } from '#shared/http/create-handler.ts';
import { scimResponse } from '#shared/http/responses.ts';
import { schema } from '#shared/scim/discovery.ts';

export const handler = createHandler('scim-schemas-get', async (request) => scimResponse(200, schema(request.pathParameters.id ?? ''), { 'Cache-Control': 'public, max-age=300' }));
