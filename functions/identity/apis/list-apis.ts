import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { pageOf } from '#shared/http/paging.ts';
import { listApisRequest } from '#shared/identity/schemas.ts';
import { listApis } from '#shared/identity/apis.ts';
import { presentApi } from '#shared/identity/present-api.ts';

export const handler = createHandler('identity-apis-list', async (request) => {
  const { pageSize, pageNumber, expand } = validateRequest(listApisRequest, request).query;
  const { organizationId } = tenantOf(request);
  const page = pageOf(await listApis(organizationId), pageSize, pageNumber);
  const items = await Promise.all(page.items.map((api) => presentApi(organizationId, api, expand)));
  return jsonResponse(200, { items, pageInfo: page.pageInfo });
});
