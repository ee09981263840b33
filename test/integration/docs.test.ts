import { describe, expect, it } from 'vitest';
import { baseUrl, call } from './support/platform-client.ts';

describe('API documentation', () => {
  it('serves Swagger UI at /api/docs with a Content-Security-Policy that allows only this origin', async () => {
    const page = await call('GET', '/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('<div id="swagger-ui"></div>');
    expect(page.text).toContain('src="docs/swagger-ui-bundle.js"');
    expect(page.text).not.toMatch(/<script>[^<]/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`connect-src 'self' ${new URL(baseUrl()).origin}`);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    // With a trailing slash the page's relative links still reach /api/docs/<file>.
    const slash = await call('GET', '/api/docs/');
    expect(slash.text).toContain('src="swagger-ui-bundle.js"');
  });

  it("serves swagger-ui-dist's files and a configuration script listing every definition", async () => {
    const css = await call('GET', '/api/docs/swagger-ui.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    const bundle = await fetch(`${baseUrl()}/api/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(500_000);
    const icon = await fetch(`${baseUrl()}/api/docs/favicon-32x32.png`);
    expect(icon.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await icon.arrayBuffer()).subarray(1, 4).toString('latin1')).toBe('PNG');
    const initializer = await call('GET', '/api/docs/swagger-initializer.js');
    expect(initializer.text).toContain('Identity Management API');
    expect(initializer.text).toContain('Identity SCIM v2');
    expect(initializer.text).toContain('Directory API');
    const missing = await call('GET', '/api/docs/index.html');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'Not Found', statusCode: 404 });
  });

  it('serves each definition as OpenAPI 3.1 whose server is this deployment', async () => {
    for (const [id, title] of [['identity', 'Identity Management API'], ['scim', 'Identity SCIM v2'], ['directory', 'Directory API'], ['governance', 'Governance API']]) {
      const document = await call<{ openapi: string; info: { title: string }; servers: { url: string }[]; paths: object }>('GET', `/api/openapi/${id}.json`);
      expect(document.status, id).toBe(200);
      expect(document.body.openapi).toBe('3.1.0');
      expect(document.body.info.title).toBe(title);
      expect(document.body.servers[0]?.url).toBe(baseUrl());
      expect(Object.keys(document.body.paths).length).toBeGreaterThan(0);
    }
    const directory = await call<{ paths: Record<string, Record<string, { operationId: string }>> }>('GET', '/api/openapi/directory.json');
    expect(Object.keys(directory.body.paths)).toEqual(
      expect.arrayContaining(['/api/health', '/api/users', '/api/users/{id}', '/api/users/{id}/groups', '/api/users/{id}/attributes', '/api/groups', '/api/groups/{id}', '/api/groups/{id}/members']),
    );
    expect(directory.body.paths['/api/users']?.get?.operationId).toBe('directory-users-list');
    const unknown = await call('GET', '/api/openapi/payroll.json');
    expect(unknown.status).toBe(404);
  });
});
