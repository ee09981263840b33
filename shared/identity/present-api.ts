import { listAuthorizedClients, type ApiResource } from './apis.ts';

/** The API as the management API shows it: scopes and authorized clients only when expanded. */
export async function presentApi(organizationId: string, api: ApiResource, expand: ReadonlySet<string>) {
  const { scopes, ...fields } = api;
  return {
    ...fields,
    ...(expand.has('scopes') ? { scopes } : {}),
    ...(expand.has('clients') ? { clients: await listAuthorizedClients(organizationId, api.id) } : {}),
  };
}
