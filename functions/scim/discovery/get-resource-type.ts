import { createHandler } from '#shared/http/create-handler.ts';
import { scimResponse } from '#shared/http/responses.ts';
import { resourceType } from '#shared/scim/discovery.ts';

export const handler = createHandler('scim-resource-types-get', async (request) => scimResponse(200, resourceType(request.pathParameters.id ?? ''), { 'Cache-Control': 'public, max-age=300' }));
