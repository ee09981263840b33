import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { ENTERPRISE, scimTenant } from './support/scim-client.ts';

/**
 * Replays of the request sequences the two big IdP clients send, as their vendors document them
 * (Microsoft Entra ID's "develop a SCIM endpoint" request/response walkthrough; Okta's SCIM 2.0
 * integration guide), asserting the documented responses.
 */
describe('Microsoft Entra ID provisioning sequence', () => {
  it('test connection, user lifecycle and group lifecycle as Entra sends them (tenant URL flags ignored)', async () => {
    const t = await scimTenant();
    // Entra keeps the tenant URL's query string (feature flags) on every request.
    const flag = 'aadOptscim062020';
    const url = (path: string) => `${path}${path.includes('?') ? '&' : '?'}${flag}`;

    const testConnection = await t.scim('GET', url(`/Users?filter=${encodeURIComponent(`userName eq "${randomUUID()}"`)}`));
    expect(testConnection.status).toBe(200);
    expect(testConnection.body).toMatchObject({ totalResults: 0, Resources: [] });

    const userName = `Test_User_${randomUUID()}@testuser.com`;
    const precheck = await t.scim('GET', url(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`));
    expect(precheck.body.totalResults).toBe(0);
    const created = await t.scim('POST', url('/Users'), {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName,
      active: true,
      emails: [{ primary: true, type: 'work', value: `${userName}` }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ userName, active: true, externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef' });

    expect((await t.scim('GET', url(`/Users/${id}`))).body.id).toBe(id);
    const byQuery = await t.scim('GET', url(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`));
    expect(byQuery.body.Resources[0].id).toBe(id);
    const byExternalId = await t.scim('GET', url(`/Users?filter=${encodeURIComponent('externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"')}`));
    expect(byExternalId.body.Resources[0].id).toBe(id);
    const zero = await t.scim('GET', url(`/Users?filter=${encodeURIComponent('userName eq "non-existent user"')}`));
    expect(zero.body).toMatchObject({ totalResults: 0, Resources: [] });

    const multiValued = await t.scim('PATCH', url(`/Users/${id}`), {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      ],
    });
    expect(multiValued.status).toBe(200);
    expect(multiValued.body.emails[0].value).toBe('updatedEmail@microsoft.com');
    expect(multiValued.body.name.familyName).toBe('updatedFamilyName');

    const renamed = `${randomUUID()}@testuser.com`;
    const singleValued = await t.scim('PATCH', url(`/Users/${id}`), {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'userName', value: renamed }],
    });
    expect(singleValued.body.userName).toBe(renamed);

    const managerId = randomUUID();
    const manager = await t.scim('PATCH', url(`/Users/${id}`), {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Add', path: `${ENTERPRISE}:manager`, value: managerId },
        { op: 'Add', path: 'roles', value: '[{"primary":"True","type":"WindowsAzureActiveDirectoryRole","value":"Admin"}]' },
        { op: 'Replace', path: 'title', value: '' },
      ],
    });
    expect(manager.status).toBe(200);
    expect(manager.body[ENTERPRISE].manager.value).toBe(managerId);
    expect(manager.body.roles[0]).toMatchObject({ value: 'Admin', primary: true });

    const disabled = await t.scim('PATCH', url(`/Users/${id}`), {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(disabled.body.active).toBe(false);

    const group = await t.scim('POST', url('/Groups'), {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group', 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/Group'],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: `displayName-${randomUUID()}`,
      meta: { resourceType: 'Group' },
    });
    expect(group.status).toBe(201);
    const groupId = group.body.id as string;
    const getGroup = await t.scim('GET', url(`/Groups/${groupId}?excludedAttributes=members`));
    expect(getGroup.body.members).toBeUndefined();
    const byName = await t.scim('GET', url(`/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${group.body.displayName}"`)}`));
    expect(byName.body.Resources[0].id).toBe(groupId);

    const patchGroup = (operations: unknown[]) => t.scim('PATCH', url(`/Groups/${groupId}`), { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations });
    expect((await patchGroup([{ op: 'Replace', path: 'displayName', value: `${groupId}updatedDisplayName` }])).status).toBe(204);
    expect((await patchGroup([{ op: 'Add', path: 'members', value: [{ $ref: null, value: id }] }])).status).toBe(204);
    expect((await t.scim('GET', url(`/Groups/${groupId}`))).body.members.map((member: { value: string }) => member.value)).toEqual([id]);
    expect((await patchGroup([{ op: 'Remove', path: 'members', value: [{ $ref: null, value: id }] }])).status).toBe(204);
    expect((await t.scim('GET', url(`/Groups/${groupId}`))).body.members ?? []).toEqual([]);
    expect((await t.scim('GET', url(`/Groups/${groupId}`))).body.displayName).toBe(`${groupId}updatedDisplayName`);

    expect((await t.scim('DELETE', url(`/Groups/${groupId}`))).status).toBe(204);
    expect((await t.scim('DELETE', url(`/Users/${id}`))).status).toBe(204);
    expect((await t.scim('GET', url(`/Users/${id}`))).status).toBe(404);
  });
});

describe('Okta SCIM 2.0 provisioning sequence', () => {
  it('user import, create, update, deactivate; group push with rename and membership changes', async () => {
    const t = await scimTenant();
    const userName = `okta-${randomUUID().slice(0, 8)}@example.com`;
    const lookup = await t.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`);
    expect(lookup.body).toMatchObject({ totalResults: 0, startIndex: 1 });

    const created = await t.scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName,
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: userName, type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq-okta-pass',
      active: true,
    }, { 'Content-Type': 'application/json' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    const imported = await t.scim('GET', '/Users?startIndex=1&count=100');
    expect(imported.body.Resources.map((user: { id: string }) => user.id)).toContain(id);

    const fetched = await t.scim('GET', `/Users/${id}`);
    const replaced = await t.scim('PUT', `/Users/${id}`, { ...fetched.body, name: { givenName: 'Another', familyName: 'User' } });
    expect(replaced.status).toBe(200);
    expect(replaced.body.name.givenName).toBe('Another');

    const deactivated = await t.scim('PATCH', `/Users/${id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] });
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.active).toBe(false);

    const displayName = `Okta group ${randomUUID().slice(0, 8)}`;
    const group = await t.scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName, members: [] });
    expect(group.status).toBe(201);
    const groupId = group.body.id as string;
    const found = await t.scim('GET', `/Groups?filter=${encodeURIComponent(`displayName eq "${displayName}"`)}&startIndex=1&count=100`);
    expect(found.body.Resources[0].id).toBe(groupId);

    const patchOp = (operations: unknown[]) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations });
    expect((await t.scim('PATCH', `/Groups/${groupId}`, patchOp([{ op: 'replace', value: { id: groupId, displayName: `${displayName} renamed` } }]))).status).toBe(204);
    expect((await t.scim('PATCH', `/Groups/${groupId}`, patchOp([{ op: 'add', path: 'members', value: [{ value: id, display: userName }] }]))).status).toBe(204);
    expect((await t.scim('PATCH', `/Groups/${groupId}`, patchOp([{ op: 'remove', path: `members[value eq "${id}"]` }]))).status).toBe(204);
    const put = await t.scim('PUT', `/Groups/${groupId}`, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: groupId, displayName: `${displayName} final`, members: [{ value: id, display: userName }] });
    expect(put.status).toBe(200);
    expect(put.body.members.map((member: { value: string }) => member.value)).toEqual([id]);
    expect((await t.scim('DELETE', `/Groups/${groupId}`)).status).toBe(204);
  });
});
