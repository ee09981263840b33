/**
 * The measured operations: how to build N requests of each, against one organization ("level").
 * Mutating operations get fresh targets on every call (new userNames, distinct (group, user)
 * pairs, users nobody deleted yet), so no measured request is a no-op.
 */
import { createGroup, patchBody, SCIM, userBody, type Tenant } from './fixtures.ts';
import type { RequestSpec } from './load-protocol.ts';
import type { SeededUsers } from './seed.ts';

export interface Level {
  /** Users seeded in this organization. */
  users: number;
  tenant: Tenant;
  data: SeededUsers;
  groupPool: string[];
  deletables: string[];
  deletableSeq: number;
  pairSeq: number;
  sampleSeed: number;
}

export interface OperationDefinition {
  id: string;
  label: string;
  routeId: string;
  requests: (level: Level, count: number) => RequestSpec[];
  /** Each target used at most once (users to delete). */
  once?: boolean;
  /** For `once` operations: targets a run did not use go back to the pool. */
  release?: (level: Level, unused: RequestSpec[]) => void;
}

export async function newLevel(baseUrl: string, tenant: Tenant, users: number, poolGroups: number): Promise<Level> {
  const groupPool: string[] = [];
  for (let i = 0; i < poolGroups; i++) groupPool.push(await createGroup(baseUrl, tenant, `Pool group ${i}`));
  return { users, tenant, data: { ids: [], userNames: [], externalIds: [] }, groupPool, deletables: [], deletableSeq: 0, pairSeq: 0, sampleSeed: 1 };
}

/** A deterministic pseudo-random sample with replacement. */
export function sample<T>(values: readonly T[], count: number, seed: number): T[] {
  const picked: T[] = [];
  if (values.length === 0) return picked;
  let state = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    picked.push(values[state % values.length] as T);
  }
  return picked;
}

const scimHeaders = (tenant: Tenant, body = false): Record<string, string> => ({
  Authorization: `Bearer ${tenant.token}`,
  ...(body ? { 'Content-Type': 'application/scim+json' } : {}),
});

/** The operations of the issue, plus list-with-groups (to show what groups cost in a list). */
export function operationCatalogue(baseUrl: string, auditTenant: Tenant): OperationDefinition[] {
  return [
    {
      id: 'scim.users.get',
      label: 'SCIM GET /Users/{id}',
      routeId: 'scim-users-get',
      requests: (level, count) => sample(level.data.ids, count, level.sampleSeed++).map((id) => ({ method: 'GET', path: `${SCIM}/Users/${id}`, headers: scimHeaders(level.tenant) })),
    },
    {
      id: 'scim.users.filter.userName',
      label: 'SCIM GET /Users?filter=userName eq',
      routeId: 'scim-users-list',
      requests: (level, count) =>
        sample(level.data.userNames, count, level.sampleSeed++).map((userName) => ({
          method: 'GET',
          path: `${SCIM}/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`,
          headers: scimHeaders(level.tenant),
        })),
    },
    {
      id: 'scim.users.filter.externalId',
      label: 'SCIM GET /Users?filter=externalId eq',
      routeId: 'scim-users-list',
      requests: (level, count) =>
        sample(level.data.externalIds, count, level.sampleSeed++).map((externalId) => ({
          method: 'GET',
          path: `${SCIM}/Users?filter=${encodeURIComponent(`externalId eq "${externalId}"`)}`,
          headers: scimHeaders(level.tenant),
        })),
    },
    {
      id: 'scim.users.list.first',
      label: 'SCIM GET /Users?startIndex=1&count=100 (list page)',
      routeId: 'scim-users-list',
      requests: (level, count) => Array.from({ length: count }, () => ({ method: 'GET', path: `${SCIM}/Users?startIndex=1&count=100`, headers: scimHeaders(level.tenant) })),
    },
    {
      id: 'scim.users.list.withGroups',
      label: 'SCIM GET /Users?count=100&attributes=userName,groups',
      routeId: 'scim-users-list',
      requests: (level, count) =>
        Array.from({ length: count }, () => ({ method: 'GET', path: `${SCIM}/Users?startIndex=1&count=100&attributes=userName,groups`, headers: scimHeaders(level.tenant) })),
    },
    {
      id: 'scim.users.create',
      label: 'SCIM POST /Users',
      routeId: 'scim-users-create',
      requests: (level, count) =>
        Array.from({ length: count }, () => ({ method: 'POST', path: `${SCIM}/Users`, headers: scimHeaders(level.tenant, true), body: JSON.stringify(userBody('{{seq}}', 'created')) })),
    },
    {
      id: 'scim.users.patch.replace',
      label: 'SCIM PATCH /Users/{id} replace title',
      routeId: 'scim-users-patch',
      requests: (level, count) =>
        sample(level.data.ids.slice(0, 256), count, level.sampleSeed++).map((id) => ({
          method: 'PATCH',
          path: `${SCIM}/Users/${id}`,
          headers: scimHeaders(level.tenant, true),
          body: JSON.stringify(patchBody({ op: 'replace', path: 'title', value: 'Title {{seq}}' })),
        })),
    },
    {
      id: 'scim.groups.patch.addMember',
      label: 'SCIM PATCH /Groups/{id} add member',
      routeId: 'scim-groups-patch',
      requests: (level, count) =>
        Array.from({ length: count }, () => {
          const n = level.pairSeq++;
          const group = level.groupPool[n % level.groupPool.length] as string;
          // Distinct (group, user) pairs: never a no-op re-add.
          const user = level.data.ids[Math.floor(n / level.groupPool.length) % level.data.ids.length] as string;
          return {
            method: 'PATCH',
            path: `${SCIM}/Groups/${group}`,
            headers: scimHeaders(level.tenant, true),
            body: JSON.stringify(patchBody({ op: 'add', path: 'members', value: [{ value: user }] })),
          };
        }),
    },
    {
      id: 'scim.users.delete',
      label: 'SCIM DELETE /Users/{id}',
      routeId: 'scim-users-delete',
      once: true,
      requests: (level, count) => level.deletables.splice(0, count).map((id) => ({ method: 'DELETE', path: `${SCIM}/Users/${id}`, headers: scimHeaders(level.tenant) })),
      release: (level, unused) => level.deletables.unshift(...unused.map((spec) => spec.path.split('/').at(-1) as string)),
    },
    {
      id: 'oauth.token',
      label: 'POST /oauth/token (client credentials)',
      routeId: 'oauth-token',
      requests: (level, count) =>
        Array.from({ length: count }, () => ({
          method: 'POST',
          path: `/oauth/token?audience=${encodeURIComponent(`${baseUrl}/api`)}`,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: level.tenant.tokenForm,
        })),
    },
    {
      id: 'audit.list.first',
      label: 'GET /api/identity/v1/audit/list (page 1, 20 entries)',
      routeId: 'identity-audit-list',
      requests: (_level, count) => Array.from({ length: count }, () => ({ method: 'GET', path: '/api/identity/v1/audit/list', headers: { Authorization: `Bearer ${auditTenant.token}` } })),
    },
  ];
}

/** Measured at every size: the operations an index or key answers, whose cost must not grow. */
export const SCALE_OPERATIONS = [
  'scim.users.get',
  'scim.users.filter.userName',
  'scim.users.filter.externalId',
  'scim.users.list.first',
  'scim.users.create',
  'scim.users.patch.replace',
  'scim.groups.patch.addMember',
  'scim.users.delete',
];
