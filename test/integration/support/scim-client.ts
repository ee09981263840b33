import { call, createTenant, machineToken, type HttpResult, type Tenant } from './platform-client.ts';

export const SCIM = '/api/scim/v2';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface ScimTenant {
  tenant: Tenant;
  token: string;
  scim: <T = any>(method: string, path: string, json?: unknown, headers?: Record<string, string>) => Promise<HttpResult<T>>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A fresh organization with a provisioning client's token, and a SCIM request helper bound to it. */
export async function scimTenant(): Promise<ScimTenant> {
  const tenant = await createTenant();
  const { token } = await machineToken(tenant.ownerToken);
  return {
    tenant,
    token,
    scim: (method, path, json, headers = {}) =>
      call(method, `${SCIM}${path}`, { token, ...(json !== undefined ? { json } : {}), headers: { ...(json !== undefined ? { 'Content-Type': 'application/scim+json' } : {}), ...headers } }),
  };
}

export function patchOp(...operations: { op: string; path?: string; value?: unknown }[]) {
  return { schemas: [PATCH_OP], Operations: operations };
}

export function userBody(userName: string, extra: Record<string, unknown> = {}) {
  return { schemas: [USER_SCHEMA], userName, name: { givenName: 'Given', familyName: 'Family' }, emails: [{ value: userName, type: 'work', primary: true }], active: true, ...extra };
}
