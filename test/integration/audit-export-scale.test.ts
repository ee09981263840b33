import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { seedAuditEntries, useLocalEngines } from './support/in-process.ts';

/** Peak heap growth while `work` runs, sampled every 10 ms. */
async function peakHeapGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growthMb: number }> {
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 10);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    return { result, growthMb: (peak - baseline) / 1024 / 1024 };
  } finally {
    clearInterval(timer);
  }
}

describe('audit export at scale', () => {
  it('streams 100,000 entries to S3 with flat memory: five times the entries, about the same peak', async () => {
    useLocalEngines();
    const organizationId = randomUUID();
    await seedAuditEntries(organizationId, 100_000);
    const { exportAuditLog } = await import('../../shared/audit/audit-export.ts');
    const { s3 } = await import('../../shared/storage/clients.ts');
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const actor = { actorType: 'user' as const, actorId: randomUUID() };
    const origin = { ipAddress: '127.0.0.1', userAgent: 'scale-test' };
    const request = (maxEntries: number) => ({ exportType: 'csv' as const, range: { from: undefined, to: undefined }, query: { text: [] }, maxEntries });

    const small = await peakHeapGrowth(() => exportAuditLog(organizationId, request(20_000), actor, origin));
    const large = await peakHeapGrowth(() => exportAuditLog(organizationId, request(100_000), actor, origin));
    expect(small.result.entries).toBe(20_000);
    expect(large.result.entries).toBe(100_000);
    expect(large.result.downloadUrl).toBeDefined();
    // The whole CSV is ~35 MB; memory must not follow it.
    expect(large.result.bytes).toBeGreaterThan(20 * 1024 * 1024);
    expect(large.growthMb).toBeLessThan(small.growthMb * 1.5 + 24);
    expect(large.growthMb).toBeLessThan(128);

    const object = await s3().send(new GetObjectCommand({ Bucket: 'identity-platform-audit-exports', Key: large.result.objectKey }));
    let lines = 0;
    for await (const chunk of object.Body as AsyncIterable<Buffer>) for (const byte of chunk) if (byte === 10) lines++;
    expect(lines).toBe(100_001);
    console.warn(`audit export: 20k entries peak heap +${small.growthMb.toFixed(1)} MB, 100k entries +${large.growthMb.toFixed(1)} MB (${(large.result.bytes / 1024 / 1024).toFixed(1)} MB CSV)`);
  }, 600_000);
});
