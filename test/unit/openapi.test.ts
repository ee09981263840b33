import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { routes } from '../../shared/routes.ts';
import { apiDefinitionIds, apiDefinitions, undocumentedRouteIds } from '../../shared/openapi/definitions.ts';
import type { OpenApiDocument, OpenApiOperation } from '../../shared/openapi/openapi-document.ts';
import { samlValidatedWith } from '../../shared/openapi/operations/saml.ts';
import { generateDocument, operationDocs } from '../../shared/openapi/registry.ts';
import { readPrebuiltDocument } from '../../shared/openapi/prebuilt-documents.ts';
import { bundlingFor, openApiDocumentCommands, packageFileCommands } from '../../lib/platform-function.ts';
import { OPENAPI_DOCUMENTS_DIR, writeOpenApiDocuments } from '../../lib/openapi-documents.ts';
import { validateRouteTable } from '../../lib/route-table.ts';

const root = join(import.meta.dirname, '..', '..');
const baseUrl = 'https://platform-eu.example.com';
const documents = new Map<string, OpenApiDocument>(apiDefinitions.map((definition) => [definition.id, generateDocument(definition, routes, baseUrl, '1.2.3')]));

interface Found {
  definition: string;
  path: string;
  method: string;
  operation: OpenApiOperation;
}

function operations(): Found[] {
  return [...documents].flatMap(([definition, document]) =>
    Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ definition, path, method: method.toUpperCase(), operation })),
    ),
  );
}

function hasExample(operation: OpenApiOperation): boolean {
  const media = [
    ...Object.values((operation.requestBody?.content ?? {}) as Record<string, { examples?: object }>),
    ...Object.values(operation.responses).flatMap((response) => Object.values((response.content ?? {}) as Record<string, { examples?: object }>)),
  ];
  return media.some((entry) => entry.examples !== undefined && Object.keys(entry.examples).length > 0);
}

describe('the OpenAPI documents', () => {
  it('are valid OpenAPI 3.1 documents', async () => {
    expect([...documents.keys()]).toEqual(['identity', 'scim', 'directory', 'governance']);
    for (const [id, document] of documents) {
      const validator = new Validator();
      const result = await validator.validate(structuredClone(document));
      expect(result.errors, id).toBeUndefined();
      expect(result.valid, id).toBe(true);
      expect(validator.version, id).toBe('3.1');
    }
  });

  it('are titled as the seeds name the definitions and point at the deployment PUBLIC_BASE_URL', () => {
    expect(documents.get('identity')?.info.title).toBe('Identity Management API');
    expect(documents.get('scim')?.info.title).toBe('Identity SCIM v2');
    expect(documents.get('directory')?.info.title).toBe('Directory API');
    for (const document of documents.values()) {
      expect(document.servers).toEqual([{ url: baseUrl, description: expect.any(String) as string }]);
      expect(document.info.version).toBe('1.2.3');
    }
  });

  it('document every route of the route table exactly once (but the catch-all and the docs routes)', () => {
    const found = operations();
    const documented = routes.filter((route) => !undocumentedRouteIds.has(route.id));
    expect(undocumentedRouteIds.has('platform-fallback')).toBe(true);
    for (const route of documented) {
      const matches = found.filter((entry) => entry.operation.operationId === route.id);
      expect(matches, route.id).toHaveLength(1);
      expect(matches[0]?.method, route.id).toBe(route.method);
      expect(matches[0]?.path, route.id).toBe(route.path);
      expect(matches[0]?.operation.summary, route.id).toBe(route.summary);
    }
    expect(found).toHaveLength(documented.length);
    expect(found.find((entry) => entry.operation.operationId === 'platform-health')?.definition).toBe('directory');
    for (const entry of found.filter((candidate) => candidate.path.startsWith('/api/scim/v2'))) expect(entry.definition).toBe('scim');
    // No doc without a route either: a removed route takes its documentation with it.
    expect(Object.keys(operationDocs).sort()).toEqual(documented.map((route) => route.id).sort());
  });

  it('state each operation’s security: bearer with the scope, the operator key, or none', () => {
    for (const { operation } of operations()) {
      const route = routes.find((candidate) => candidate.id === operation.operationId);
      if (!route) throw new Error(operation.operationId);
      const expected =
        route.permission === 'public'
          ? []
          : route.permission === 'optional-bearer'
            ? [{}, { bearerAuth: [] }]
            : route.permission === 'operator'
            ? [{ operatorKey: [] }]
            : [{ bearerAuth: route.permission === 'authenticated' ? [] : [route.permission] }];
      expect(operation.security, route.id).toEqual(expected);
      if (route.permission !== 'public') expect(operation.responses['401'], route.id).toBeDefined();
    }
    expect(documents.get('scim')?.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(documents.get('identity')?.components.securitySchemes.operatorKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Operator-Key' });
  });

  it('give every operation a tag, a description, an example, a success response and the family error body', () => {
    const errorSchema = { identity: 'IdentityError', scim: 'ScimError', directory: 'DirectoryError', governance: 'DirectoryError' } as const;
    for (const { definition, operation } of operations()) {
      const id = operation.operationId;
      expect(operation.tags, id).toHaveLength(1);
      expect(operation.description.length, id).toBeGreaterThan(20);
      expect(hasExample(operation), `${id} has no example`).toBe(true);
      expect(Object.keys(operation.responses).some((status) => Number(status) < 400), id).toBe(true);
      const serverError = JSON.stringify(operation.responses['500']);
      expect(serverError, id).toContain(`#/components/schemas/${errorSchema[definition as keyof typeof errorSchema]}`);
    }
    const token = operations().find((entry) => entry.operation.operationId === 'oauth-token');
    expect(JSON.stringify(token?.operation.responses['400'])).toContain('#/components/schemas/OAuthError');
  });

  it('group operations under the tags the seeds use', () => {
    const tagOf = (id: string) => operations().find((entry) => entry.operation.operationId === id)?.operation.tags[0];
    expect(tagOf('identity-audit-list')).toBe('Auditing');
    expect(tagOf('identity-apis-list')).toBe('Api');
    expect(tagOf('identity-clients-create')).toBe('Clients');
    expect(tagOf('identity-roles-list')).toBe('Roles');
    expect(tagOf('scim-users-list')).toBe('Users');
    expect(tagOf('scim-groups-create')).toBe('Groups');
    expect(tagOf('platform-health')).toBe('Health');
    expect(tagOf('directory-users-list')).toBe('Users');
    expect(tagOf('directory-groups-members-list')).toBe('Groups');
    if (routes.some((route) => route.id === 'identity-saml-settings-get')) expect(tagOf('identity-saml-settings-get')).toBe('SAML');
  });

  it('carry the seeds’ examples', () => {
    const text = (id: string) => JSON.stringify(operations().find((entry) => entry.operation.operationId === id)?.operation);
    expect(text('identity-login')).toContain('owner@yourcompany.com');
    expect(text('identity-clients-create')).toContain('Microsoft EntraID SCIM Provisioning');
    expect(text('identity-apis-list')).toContain('Inventory API');
    expect(text('identity-audit-list')).toContain('"totalCount":500');
    expect(text('scim-users-list')).toContain('joe.bloggs@example.com');
    expect(text('scim-groups-list')).toContain('Administrators');
    expect(text('scim-users-patch')).toContain('urn:ietf:params:scim:api:messages:2.0:PatchOp');
    expect(text('scim-users-create')).toContain('"timezone":"string"');
    expect(text('directory-users-list')).toContain('department=IT&status=active&page=1&pageSize=25');
    expect(text('directory-users-get')).toContain("User with ID '...' was not found");
    if (routes.some((route) => route.id === 'identity-saml-settings-update')) expect(text('identity-saml-settings-update')).toContain('idp.example.com/sso/saml');
  });

  it('document parameters with their defaults and limits, taken from the validating schemas', () => {
    const find = (id: string, name: string) =>
      operations()
        .find((entry) => entry.operation.operationId === id)
        ?.operation.parameters.find((parameter) => parameter.name === name) as { schema: Record<string, unknown>; required: boolean } | undefined;
    expect(find('identity-audit-list', 'pageSize')?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 20 });
    expect(find('identity-audit-list', 'sortBy')?.schema).toMatchObject({ default: 'timestamp:desc', enum: expect.arrayContaining(['timestamp:asc']) as unknown });
    expect(find('identity-audit-export', 'exportType')?.schema).toMatchObject({ enum: ['csv', 'json'], default: 'csv' });
    expect(find('identity-clients-list', 'pageSize')?.schema).toMatchObject({ maximum: 100, default: 20 });
    expect(find('scim-users-list', 'count')?.schema).toMatchObject({ type: 'integer', default: 100 });
    expect(find('scim-users-list', 'filter')?.required).toBe(false);
    expect(find('scim-users-patch', 'If-Match')).toMatchObject({ in: 'header', required: false });
    expect(find('scim-users-get', 'id')).toMatchObject({ in: 'path', required: true });
    expect(find('directory-users-list', 'pageSize')?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 200, default: 50 });
    expect(find('directory-users-list', 'page')?.schema).toMatchObject({ type: 'integer', minimum: 1, default: 1 });
    expect(find('directory-users-list', 'status')?.schema).toMatchObject({ enum: ['active', 'disabled', 'all'], default: 'all' });
    expect(find('directory-users-list', 'connectionId')?.schema).toMatchObject({ type: 'string', format: 'uuid' });
    expect(find('directory-users-list', 'search')?.required).toBe(false);
    expect(find('directory-groups-members-list', 'pageSize')?.schema).toMatchObject({ maximum: 200, default: 50 });
    const client = documents.get('identity')?.components.schemas.ClientCreate as { required: string[]; properties: Record<string, { default?: unknown }> };
    expect(client.required).toEqual(['name']);
    expect(client.properties.refreshTokenRotation?.default).toBe(false);
    const patch = documents.get('scim')?.components.schemas.PatchOp as { properties: { Operations: { maxItems: number } } };
    expect(patch.properties.Operations.maxItems).toBe(10_000);
  });

  it('are generated from the contracts the handlers validate with', () => {
    for (const [routeId, doc] of Object.entries(operationDocs)) {
      const route = routes.find((candidate) => candidate.id === routeId);
      if (!route) throw new Error(routeId);
      const source = readFileSync(join(root, route.handler), 'utf8');
      if (doc.request === undefined) {
        expect(source, `${routeId} reads input without a documented contract`).not.toMatch(/validate(Request)?\(/);
        continue;
      }
      expect(doc.request.routeId).toBe(routeId);
      const samlSchemas = samlValidatedWith[routeId];
      if (samlSchemas) {
        for (const schema of samlSchemas) expect(source, routeId).toContain(`validate(${schema}(),`);
      } else {
        expect(source, routeId).toMatch(/validateRequest\(\w+, request\)/);
      }
    }
  });
});

describe('the Directory API document', () => {
  const directory = () => documents.get('directory') as OpenApiDocument;

  it('covers the Users and Groups routes and health, and nothing of the other families', () => {
    expect(Object.keys(directory().paths).sort()).toEqual(
      [...new Set(routes.filter((route) => route.family === 'directory').map((route) => route.path)), '/api/health'].sort(),
    );
    for (const path of ['/api/users', '/api/users/{id}', '/api/users/{id}/groups', '/api/users/{id}/attributes', '/api/groups', '/api/groups/{id}', '/api/groups/{id}/members']) {
      expect(directory().paths[path]?.get?.security, path).toEqual([{ bearerAuth: ['directory:read'] }]);
    }
  });

  it('describes lists as the seed envelope and single resources as the object itself', () => {
    const schemas = directory().components.schemas as Record<string, { required?: string[]; properties?: Record<string, unknown> }>;
    expect(schemas.DirectoryUserPage?.required?.sort()).toEqual(['data', 'page', 'pageSize', 'totalCount']);
    expect(JSON.stringify(directory().paths['/api/users']?.get?.responses['200'])).toContain('#/components/schemas/DirectoryUserPage');
    expect(JSON.stringify(directory().paths['/api/users/{id}']?.get?.responses['200'])).toContain('#/components/schemas/DirectoryUser"');
    expect(JSON.stringify(directory().paths['/api/groups/{id}/members']?.get?.responses['200'])).toContain('#/components/schemas/DirectoryUserPage');
    expect(schemas.DirectoryUser?.properties).toHaveProperty('department');
    expect(schemas.DirectoryUser?.properties).toHaveProperty('connectionId');
  });

  it('documents the rate-limit headers on every answer but 401, and Retry-After on 429', () => {
    for (const [path, methods] of Object.entries(directory().paths)) {
      if (path === '/api/health') continue;
      for (const [status, response] of Object.entries(methods.get?.responses ?? {})) {
        const headers = Object.keys((response as { headers?: object }).headers ?? {});
        if (status === '401') expect(headers, `${path} ${status}`).not.toContain('X-RateLimit-Limit');
        else expect(headers, `${path} ${status}`).toEqual(expect.arrayContaining(['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset']));
        if (status === '429') expect(headers).toContain('Retry-After');
      }
    }
    // Other families publish no such headers.
    expect(JSON.stringify(documents.get('scim'))).not.toContain('X-RateLimit');
  });
});

describe('package files of a route', () => {
  it('are copied next to the bundle by the CDK bundling', () => {
    expect(packageFileCommands([{ package: 'swagger-ui-dist', files: ['swagger-ui.css'] }], '/src', '/out')).toEqual([
      'mkdir -p "/out/package-files/swagger-ui-dist"',
      'cp "/src/node_modules/swagger-ui-dist/swagger-ui.css" "/out/package-files/swagger-ui-dist/swagger-ui.css"',
    ]);
    const docs = routes.find((route) => route.id === 'platform-docs-asset');
    expect(docs?.packageFiles?.[0]?.files).toContain('swagger-ui-bundle.js');
  });

  it('must be plain relative file names', () => {
    const route = { ...routes[0], id: 'x-docs', path: '/x', packageFiles: [{ package: 'swagger-ui-dist', files: ['../secret'] }] } as (typeof routes)[number];
    expect(() => validateRouteTable([...routes, route])).toThrow(/packageFiles/);
  });
});

describe('the prebuilt OpenAPI documents (the documents function in Lambda)', () => {
  it('serialize exactly as the documents generated in process, for every definition', async () => {
    expect(apiDefinitions.map((definition) => definition.id)).toEqual([...apiDefinitionIds]);
    const dir = mkdtempSync(join(tmpdir(), 'openapi-documents-'));
    try {
      const files = writeOpenApiDocuments(dir);
      expect(files).toEqual(apiDefinitionIds.map((id) => join(dir, `${id}.json`)));
      const first = files.map((file) => readFileSync(file, 'utf8'));
      for (const definition of apiDefinitions) {
        const prebuilt = await readPrebuiltDocument(dir, definition.id, baseUrl, '1.2.3');
        expect(JSON.stringify(prebuilt), definition.id).toBe(JSON.stringify(generateDocument(definition, routes, baseUrl, '1.2.3')));
      }
      // Deterministic: writing again gives the same bytes (the function's asset hash stays put).
      writeOpenApiDocuments(dir);
      expect(files.map((file) => readFileSync(file, 'utf8'))).toEqual(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are copied next to the bundle of the route that serves them, which reads them instead of generating', () => {
    const route = routes.find((candidate) => candidate.id === 'platform-openapi-document');
    expect(route?.openApiDocuments).toBe(true);
    const bundling = route ? bundlingFor(route) : undefined;
    expect(bundling?.define?.['globalThis.__PLATFORM_OPENAPI_DOCUMENTS__']).toBe('true');
    expect(bundling?.commandHooks?.afterBundling('/src', '/out')).toEqual(openApiDocumentCommands('/src', '/out'));
    expect(openApiDocumentCommands('/src', '/out')).toEqual([
      'mkdir -p "/out/openapi"',
      ...apiDefinitionIds.map((id) => `cp "/src/${OPENAPI_DOCUMENTS_DIR.slice(root.length + 1)}/${id}.json" "/out/openapi/${id}.json"`),
    ]);
    const other = routes.find((candidate) => candidate.id === 'platform-health');
    expect(other && bundlingFor(other).define?.['globalThis.__PLATFORM_OPENAPI_DOCUMENTS__']).toBeUndefined();
  });
});
