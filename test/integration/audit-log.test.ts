import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { seedAuditEntries } from './support/in-process.ts';
import { auditEntries, call, createTenant, machineToken, type Tenant } from './support/platform-client.ts';

let tenant: Tenant;
const LIST = '/api/identity/v1/audit/list';

beforeAll(async () => {
  tenant = await createTenant();
  // A known history: 12 client changes by the owner, with a formula-looking name among them.
  for (let i = 0; i < 5; i++) {
    await call('POST', '/api/identity/v1/clients', {
      token: tenant.ownerToken,
      json: { name: `client ${i}` },
      // An attacker-controlled header that lands in a CSV cell of its own.
      headers: i === 2 ? { 'User-Agent': "=cmd|' /C calc'!A0" } : {},
    });
  }
  const list = await call('GET', '/api/identity/v1/clients', { token: tenant.ownerToken });
  for (const client of list.body.items.slice(0, 3)) {
    await call('PATCH', `/api/identity/v1/clients/${client.clientId}`, { token: tenant.ownerToken, json: { enabled: false } });
    await call('DELETE', `/api/identity/v1/clients/${client.clientId}`, { token: tenant.ownerToken });
  }
});

describe('audit log list', () => {
  it('returns the seed’s shape, newest first by default, with an exact totalCount', async () => {
    const stored = await auditEntries(tenant.organizationId);
    const result = await call('GET', `${LIST}?pageSize=5`, { token: tenant.ownerToken });
    expect(result.status).toBe(200);
    expect(result.body.pageInfo).toEqual({ totalCount: stored.length, pageSize: 5, currentPage: 1, totalPages: Math.ceil(stored.length / 5) });
    const first = result.body.items[0];
    expect(Object.keys(first).sort()).toEqual(['action', 'actor', 'details', 'id', 'organizationId', 'target', 'timestamp', 'userId']);
    expect(first.details).toMatchObject({ ipAddress: expect.any(String), userAgent: expect.any(String) });
    const timestamps = result.body.items.map((item: { timestamp: string }) => item.timestamp);
    expect([...timestamps].sort().reverse()).toEqual(timestamps);
  });

  it('pages through every entry exactly once in either order', async () => {
    const stored = await auditEntries(tenant.organizationId);
    for (const sortBy of ['timestamp:asc', 'timestamp:desc']) {
      const seen: string[] = [];
      for (let page = 1; page <= Math.ceil(stored.length / 4); page++) {
        const result = await call('GET', `${LIST}?pageSize=4&pageNumber=${page}&sortBy=${sortBy}`, { token: tenant.ownerToken });
        seen.push(...result.body.items.map((item: { id: string }) => item.id));
      }
      const expected = stored.map((entry) => entry.id as string).sort();
      expect(seen).toEqual(sortBy === 'timestamp:asc' ? expected : [...expected].reverse());
    }
    const jump = await call('GET', `${LIST}?pageSize=3&pageNumber=3&sortBy=timestamp:asc`, { token: tenant.ownerToken });
    expect(jump.body.items[0].id).toBe(stored.map((entry) => entry.id as string).sort()[6]);
  });

  it('filters by action, action prefix, actor, target and free text', async () => {
    const byAction = await call('GET', `${LIST}?pageSize=100&query=${encodeURIComponent('action:client.deleted')}`, { token: tenant.ownerToken });
    expect(byAction.body.pageInfo.totalCount).toBe(3);
    expect(byAction.body.items.every((item: { action: string }) => item.action === 'client.deleted')).toBe(true);
    const byPrefix = await call('GET', `${LIST}?pageSize=100&query=${encodeURIComponent('action:client.*')}`, { token: tenant.ownerToken });
    expect(byPrefix.body.pageInfo.totalCount).toBe(11);
    const byActor = await call('GET', `${LIST}?pageSize=100&query=${encodeURIComponent(`actor:${tenant.ownerUserId} action:client.disabled`)}`, { token: tenant.ownerToken });
    expect(byActor.body.pageInfo.totalCount).toBe(3);
    const targetId = byAction.body.items[0].target.id;
    const byTarget = await call('GET', `${LIST}?pageSize=100&query=target:${targetId}`, { token: tenant.ownerToken });
    expect(byTarget.body.items.map((item: { action: string }) => item.action).sort()).toEqual(['client.created', 'client.deleted', 'client.disabled']);
    const text = await call('GET', `${LIST}?pageSize=100&query=DISABLED`, { token: tenant.ownerToken });
    expect(text.body.pageInfo.totalCount).toBe(3);
  });

  it('filters by time range and answers an empty range with an empty page', async () => {
    const stored = await auditEntries(tenant.organizationId);
    const middle = stored[Math.floor(stored.length / 2)]?.timestamp as string;
    const after = await call('GET', `${LIST}?pageSize=100&fromDate=${encodeURIComponent(middle)}`, { token: tenant.ownerToken });
    expect(after.body.pageInfo.totalCount).toBe(stored.filter((entry) => (entry.timestamp as string) >= middle).length);
    const today = new Date().toISOString().slice(0, 10);
    const wholeDay = await call('GET', `${LIST}?pageSize=100&fromDate=${today}&toDate=${today}`, { token: tenant.ownerToken });
    expect(wholeDay.body.pageInfo.totalCount).toBe(stored.length);
    const past = await call('GET', `${LIST}?fromDate=2001-01-01&toDate=2001-01-02`, { token: tenant.ownerToken });
    expect(past.body).toEqual({ items: [], pageInfo: { totalCount: 0, pageSize: 20, currentPage: 1, totalPages: 0 } });
  });

  it('refuses bad parameters with a 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ['pageSize=0', 'pageSize'],
      ['pageSize=101', 'pageSize'],
      ['pageNumber=0', 'pageNumber'],
      ['sortBy=name', 'sortBy'],
      ['fromDate=yesterday', 'fromDate'],
      ['toDate=2025-02-30T25:00:00Z', 'toDate'],
      ['fromDate=2025-02-02&toDate=2025-02-01', 'fromDate'],
      ['query=action:', 'query'],
    ];
    for (const [parameters, name] of cases) {
      const result = await call('GET', `${LIST}?${parameters}`, { token: tenant.ownerToken });
      expect(result.status, parameters).toBe(400);
      expect(result.body.message, parameters).toContain(name);
    }
  });

  it('requires audit:read and never shows another organization’s entries', async () => {
    const { token } = await machineToken(tenant.ownerToken, ['scim:read']);
    expect((await call('GET', LIST, { token })).status).toBe(403);
    const other = await createTenant();
    const theirs = await call('GET', `${LIST}?pageSize=100`, { token: other.ownerToken });
    expect(theirs.body.items.every((item: { organizationId: string }) => item.organizationId === other.organizationId)).toBe(true);
  });
});

describe('audit log export', () => {
  it('exports CSV (RFC 4180, one header row, formula injection neutralised) that parses back to the entries', async () => {
    const stored = await auditEntries(tenant.organizationId);
    const result = await call('GET', '/api/identity/v1/audit/log?exportType=csv', { token: tenant.ownerToken });
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toContain('text/csv');
    expect(result.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-.*\.csv"$/);
    const rows = parse(result.text, { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.id)).toEqual(stored.map((entry) => entry.id));
    expect(rows[0]).toMatchObject({ action: stored[0]?.action, actorId: stored[0]?.actorId, ipAddress: stored[0]?.details.ipAddress });
    const formula = rows.find((row) => row.userAgent?.includes('calc'));
    expect(formula?.userAgent).toBe("'=cmd|' /C calc'!A0");
    expect(result.text).not.toMatch(/(^|,)"?=cmd/m);
  });

  it('exports NDJSON that parses back to the entries, and an empty range is a valid empty file', async () => {
    const stored = await auditEntries(tenant.organizationId);
    const result = await call('GET', '/api/identity/v1/audit/log?exportType=json', { token: tenant.ownerToken });
    expect(result.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = result.text.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((entry) => entry.id)).toEqual(stored.map((entry) => entry.id));
    const empty = await call('GET', '/api/identity/v1/audit/log?exportType=json&fromDate=2001-01-01&toDate=2001-01-02', { token: tenant.ownerToken });
    expect(empty.status).toBe(200);
    expect(empty.text).toBe('');
    const emptyCsv = await call('GET', '/api/identity/v1/audit/log?exportType=csv&fromDate=2001-01-01&toDate=2001-01-02', { token: tenant.ownerToken });
    expect(emptyCsv.text.trim().split('\n')).toHaveLength(1);
  });

  it('limits an export to pageSize entries and audits every export', async () => {
    const result = await call('GET', '/api/identity/v1/audit/log?exportType=json&pageSize=2', { token: tenant.ownerToken });
    expect(result.text.trim().split('\n')).toHaveLength(2);
    const exports = (await auditEntries(tenant.organizationId)).filter((entry) => entry.action === 'audit.exported');
    expect(exports.length).toBeGreaterThanOrEqual(1);
    expect(exports.at(-1)?.details).toMatchObject({ exportType: 'json', entries: 2 });
  });

  it('redirects large exports to a short-lived presigned URL for the stored object', async () => {
    const big = await createTenant();
    // 5,000 entries of ~400 bytes exceed the 1 MB inline limit.
    await seedAuditEntries(big.organizationId, 5000);
    const result = await call('GET', '/api/identity/v1/audit/log?exportType=json', { token: big.ownerToken });
    expect(result.status).toBe(302);
    const location = result.headers.get('location') as string;
    expect(location).toMatch(/X-Amz-Expires=300/);
    const download = await fetch(location);
    expect(download.status).toBe(200);
    const lines = (await download.text()).trim().split('\n');
    expect(lines.length).toBe(Number(result.headers.get('x-audit-export-entries')));
    expect(lines.length).toBeGreaterThanOrEqual(5000);
  });

  it('refuses bad export parameters with a 400 naming the parameter', async () => {
    for (const [parameters, name] of [
      ['exportType=xml', 'exportType'],
      ['fromDate=2025-13-01', 'fromDate'],
      ['fromDate=2025-02-02&toDate=2025-02-01', 'fromDate'],
      ['pageSize=0', 'pageSize'],
    ] as const) {
      const result = await call('GET', `/api/identity/v1/audit/log?${parameters}`, { token: tenant.ownerToken });
      expect(result.status, parameters).toBe(400);
      expect(result.body.message).toContain(name);
    }
  });
});
