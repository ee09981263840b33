import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { seedAuditEntries, useLocalEngines } from './support/in-process.ts';
import { auditEntries, call, createTenant, type Tenant } from './support/platform-client.ts';

/**
 * The audit log at scale, over HTTP: deep page jumps seek with the per-day counters, filtered
 * counts are capped and flagged, and exports above the asynchronous threshold become jobs
 * (the test platform's threshold is 6,000 entries read: AUDIT_EXPORT_ASYNC_THRESHOLD in
 * support/global-setup.ts; 50,000 in deployments).
 */
const LIST = '/api/identity/v1/audit/list';
const EXPORT = '/api/identity/v1/audit/log';
const DAY = 86_400_000;

let history: Tenant;
let capped: Tenant;
/** Tenant `history`: 7,000 entries over five days, ending a day ago (mid-day edges on both sides). */
const HISTORY = 7000;
let fromDate: string;
let toDate: string;
let range: string;

beforeAll(async () => {
  [history, capped] = await Promise.all([createTenant('Audit history'), createTenant('Audit capped')]);
  const end = Date.now() - DAY;
  // The range starts and ends mid-day, so the first and last days are partial (counted by key).
  fromDate = new Date(end - 5 * DAY).toISOString();
  toDate = new Date(end).toISOString();
  range = `fromDate=${encodeURIComponent(fromDate)}&toDate=${encodeURIComponent(toDate)}`;
  await seedAuditEntries(history.organizationId, HISTORY, end, { spanMs: 5 * DAY - 1, counters: true });
  await seedAuditEntries(capped.organizationId, 10_050, Date.now() - 60_000, { counters: true, action: () => 'user.updated' });
}, 600_000);

/** Polls an export job until it has finished (bounded: 240 polls, about two minutes). */
async function finished(location: string, token: string): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  for (let poll = 0; poll < 240; poll++) {
    const status = await call('GET', location, { token });
    expect(status.status).toBe(200);
    if (status.body.status === 'succeeded' || status.body.status === 'failed') return status.body;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`export job ${location} did not finish within two minutes`);
}

/** The ids on pages 1..`pages` walked in order (each page starts where the last one ended). */
async function walkInOrder(sortBy: string, pageSize: number, pages: number): Promise<string[][]> {
  const out: string[][] = [];
  for (let page = 1; page <= pages; page++) {
    const result = await call('GET', `${LIST}?${range}&sortBy=${sortBy}&pageSize=${pageSize}&pageNumber=${page}`, { token: history.ownerToken });
    expect(result.status).toBe(200);
    out.push(result.body.items.map((entry: { id: string }) => entry.id));
  }
  return out;
}

describe('audit list at scale', () => {
  it('a jump to a deep page (no recorded boundary) answers exactly the page that paging in order reaches, in both orders', async () => {
    for (const sortBy of ['timestamp:asc', 'timestamp:desc']) {
      const jump = await call('GET', `${LIST}?${range}&sortBy=${sortBy}&pageSize=100&pageNumber=45`, { token: history.ownerToken });
      expect(jump.status).toBe(200);
      expect(jump.body.pageInfo).toEqual({ totalCount: HISTORY, pageSize: 100, currentPage: 45, totalPages: 70 });
      const walked = await walkInOrder(sortBy, 100, 45);
      expect(jump.body.items.map((entry: { id: string }) => entry.id)).toEqual(walked.at(-1));
      // Sequential pages never repeat or skip an entry, and run in the requested order.
      const ids = walked.flat();
      expect(new Set(ids).size).toBe(4500);
      const sorted = [...ids].sort();
      expect(ids).toEqual(sortBy === 'timestamp:asc' ? sorted : sorted.reverse());
    }
    // The last page, jumped to cold in another listing (pageSize 70): the oldest 70 entries, newest first.
    const last = await call('GET', `${LIST}?${range}&pageSize=70&pageNumber=100`, { token: history.ownerToken });
    const first = await call('GET', `${LIST}?${range}&sortBy=timestamp:asc&pageSize=70&pageNumber=1`, { token: history.ownerToken });
    expect(last.body.items.map((entry: { id: string }) => entry.id)).toEqual(first.body.items.map((entry: { id: string }) => entry.id).reverse());
    const beyond = await call('GET', `${LIST}?${range}&pageSize=70&pageNumber=101`, { token: history.ownerToken });
    expect(beyond.body.items).toEqual([]);
  }, 600_000);

  it('counts at most 10,000 matches of an indexed query and flags the cap; a filtered query searches a bounded window and says so', async () => {
    const token = capped.ownerToken;
    const first = await call('GET', `${LIST}?pageSize=100&query=${encodeURIComponent('action:user.updated')}`, { token });
    expect(first.status).toBe(200);
    expect(first.body.pageInfo).toEqual({ totalCount: 10_000, pageSize: 100, currentPage: 1, totalPages: 100, totalCountCapped: true });
    expect(first.body.items).toHaveLength(100);
    // Page 101 (entries 10,001–10,050 of the indexed query): the 50 oldest, past the capped total.
    const past = await call('GET', `${LIST}?pageSize=100&pageNumber=101&query=${encodeURIComponent('action:user.updated')}`, { token });
    expect(past.status).toBe(200);
    expect(past.body.pageInfo.totalCountCapped).toBe(true);
    const oldest = await call('GET', `${LIST}?pageSize=50&sortBy=timestamp:asc&query=${encodeURIComponent('action:user.updated')}`, { token });
    expect(past.body.items.map((entry: { id: string }) => entry.id)).toEqual(oldest.body.items.map((entry: { id: string }) => entry.id).reverse());

    // Free text needs a filter: it searches the newest 10,000 entries of the range (of 10,050 and
    // the tenant's own), counts its matches among them exactly, and names where the window ends.
    const text = await call('GET', `${LIST}?pageSize=100&query=provisioning`, { token });
    expect(text.status).toBe(200);
    const info = text.body.pageInfo;
    expect(info).toMatchObject({ pageSize: 100, currentPage: 1, searchWindowLimited: true });
    expect(info.totalCountCapped).toBeUndefined();
    expect(info.totalCount).toBeGreaterThan(9_900);
    expect(info.totalCount).toBeLessThanOrEqual(10_000);
    expect(Date.parse(info.searchWindowEnd)).toBeGreaterThan(Date.now() - 2 * 3_600_000);
    // The window's last page holds the rest of its matches, all written at or after its end; nothing lies beyond it.
    const lastPage = await call('GET', `${LIST}?pageSize=100&pageNumber=${info.totalPages}&query=provisioning`, { token });
    expect(lastPage.status).toBe(200);
    expect(lastPage.body.items).toHaveLength(info.totalCount - (info.totalPages - 1) * 100);
    expect(lastPage.body.items.every((entry: { timestamp: string }) => Date.parse(entry.timestamp) >= Date.parse(info.searchWindowEnd))).toBe(true);
    expect((await call('GET', `${LIST}?pageSize=100&pageNumber=${info.totalPages + 1}&query=provisioning`, { token })).body.items).toEqual([]);

    // A small result stays exact, with the seed's pageInfo only.
    const exact = await call('GET', `${LIST}?pageSize=5&query=${encodeURIComponent('action:organization.created')}`, { token });
    expect(exact.body.pageInfo).toEqual({ totalCount: 1, pageSize: 5, currentPage: 1, totalPages: 1 });
  }, 300_000);
});

describe('asynchronous audit exports', () => {
  let jobLocation: string;

  it('an export above the threshold answers 202 with a job; the job ends with a download of every entry, the same file a synchronous export writes', async () => {
    const queued = await call('GET', `${EXPORT}?exportType=json&${range}`, { token: history.ownerToken });
    expect(queued.status).toBe(202);
    jobLocation = queued.headers.get('location') as string;
    expect(jobLocation).toBe(`/api/identity/v1/audit/exports/${queued.body.jobId}`);
    expect(queued.body).toMatchObject({ status: 'queued', exportType: 'json', fromDate, toDate, downloadUrl: null });

    const done = await finished(jobLocation, history.ownerToken);
    expect(done).toMatchObject({ status: 'succeeded', entries: HISTORY, error: null });
    expect(done.downloadUrl).toMatch(/X-Amz-Expires=300/);
    const download = await fetch(done.downloadUrl);
    expect(download.status).toBe(200);
    const content = await download.text();
    const lines = content.trim().split('\n').map((line) => JSON.parse(line) as { id: string; organizationId: string });
    expect(lines).toHaveLength(HISTORY);
    expect(new Set(lines.map((line) => line.id)).size).toBe(HISTORY);
    expect(lines.every((line) => line.organizationId === history.organizationId)).toBe(true);

    // The synchronous export of the same request (the route's code below the threshold) writes the same bytes.
    useLocalEngines();
    const { exportAuditLog } = await import('../../shared/audit/audit-export.ts');
    const { s3 } = await import('../../shared/storage/clients.ts');
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const sync = await exportAuditLog(
      history.organizationId,
      { exportType: 'json', range: { from: new Date(fromDate), to: new Date(toDate) }, query: { text: [] }, maxEntries: undefined },
      { actorType: 'user', actorId: history.ownerUserId },
      { ipAddress: '127.0.0.1', userAgent: 'audit-scale-test' },
    );
    const object = await s3().send(new GetObjectCommand({ Bucket: 'identity-platform-audit-exports', Key: sync.objectKey }));
    expect(await object.Body?.transformToString()).toBe(content);

    // A redelivered message of a finished job does nothing.
    const { runAuditExportJob } = await import('../../shared/audit/audit-export-jobs.ts');
    expect(await runAuditExportJob({ organizationId: history.organizationId, jobId: done.jobId })).toEqual({ jobId: done.jobId, outcome: 'skipped' });
  }, 300_000);

  it('exports that read at most the threshold stay synchronous; Prefer: respond-async asks for a job whose file equals the synchronous one', async () => {
    const token = history.ownerToken;
    const limited = await call('GET', `${EXPORT}?exportType=csv&${range}&pageSize=5000`, { token });
    expect(limited.status).toBe(302);
    expect(limited.headers.get('x-audit-export-entries')).toBe('5000');
    // An indexed query (a third of the entries match): the count reads only its matches.
    const indexed = await call('GET', `${EXPORT}?exportType=json&${range}&query=${encodeURIComponent('action:user.updated')}`, { token });
    expect([200, 302]).toContain(indexed.status);
    expect(Number(indexed.headers.get('x-audit-export-entries'))).toBe(Math.ceil(HISTORY / 3));
    // Free text must read every entry of the range: more than the threshold, so a job.
    const text = await call('GET', `${EXPORT}?exportType=json&${range}&query=provisioning`, { token });
    expect(text.status).toBe(202);
    expect((await finished(text.headers.get('location') as string, token)).entries).toBe(HISTORY);

    // A small export: synchronous as the seed shows, or a job on request — the same content.
    const small = `exportType=csv&fromDate=${encodeURIComponent(fromDate)}&toDate=${encodeURIComponent(new Date(Date.parse(fromDate) + 3_600_000).toISOString())}`;
    const inline = await call('GET', `${EXPORT}?${small}`, { token });
    expect(inline.status).toBe(200);
    expect(inline.headers.get('content-type')).toMatch(/^text\/csv/);
    const asked = await call('GET', `${EXPORT}?${small}`, { token, headers: { Prefer: 'respond-async' } });
    expect(asked.status).toBe(202);
    expect(asked.headers.get('preference-applied')).toBe('respond-async');
    const done = await finished(asked.headers.get('location') as string, token);
    expect(done.entries).toBe(Number(inline.headers.get('x-audit-export-entries')));
    expect(await (await fetch(done.downloadUrl)).text()).toBe(inline.text);
  }, 300_000);

  it("a job's status is visible only to its organization, and the job is audited in that organization's log", async () => {
    const other = await createTenant('Audit other');
    const theirs = await call('GET', jobLocation, { token: other.ownerToken });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toMatchObject({ error: 'not_found' });
    expect(theirs.text).not.toContain(history.organizationId);
    expect((await call('GET', jobLocation, { token: history.ownerToken })).status).toBe(200);
    expect((await call('GET', '/api/identity/v1/audit/exports/not-a-job-id', { token: history.ownerToken })).status).toBe(404);
    expect((await call('GET', `/api/identity/v1/audit/exports/${randomUUID()}`, { token: history.ownerToken })).status).toBe(404);

    // Through the audit list itself (the action index): the request and the finished export, by the Owner.
    const jobId = jobLocation.split('/').pop() as string;
    const entriesOf = async (action: string) =>
      (await call('GET', `${LIST}?pageSize=100&query=${encodeURIComponent(`action:${action}`)}`, { token: history.ownerToken })).body.items as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    const requested = (await entriesOf('audit.export.requested')).filter((entry) => entry.target?.id === jobId);
    const exported = (await entriesOf('audit.exported')).filter((entry) => entry.details?.jobId === jobId);
    expect(requested).toHaveLength(1);
    expect(requested[0]).toMatchObject({ actor: { type: 'user', id: history.ownerUserId }, target: { type: 'auditExportJob', id: jobId } });
    expect(exported).toHaveLength(1);
    expect(exported[0]).toMatchObject({ actor: { type: 'user', id: history.ownerUserId }, details: { entries: HISTORY, exportType: 'json' } });
    const otherLog = await auditEntries(other.organizationId);
    expect(otherLog.some((entry) => String(entry.action).startsWith('audit.export'))).toBe(false);
  }, 120_000);
});
