import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validate } from '#shared/http/validation.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { pageOf, pageQuerySchema } from '#shared/http/paging.ts';
import { expandQuery } from '#shared/identity/schemas.ts';
import { listApis } from '#shared/identity/apis.ts';
import { presentApi } from '#shared/identity/present-api.ts';

const query = pageQuerySchema({ pageSize: 20, maxPageSize: 100 }).extend(expandQuery(['scopes', 'clients']).shape);

export const handler = createHandler('identity-apis-list', async (request) => {
  const { pageSize, pageNumber, expand } = validate(query, request.query, 'query');
  const { organizationId } = tenantOf(request);
  const page = pageOf(await listApis(organizationId), pageSize, pageNumber);
  const items = await Promise.all(page.items.map((api) => presentApi(organizationId, api, expand)));
  return jsonResponse(200, { items, pageInfo: page.pageInfo });
});
