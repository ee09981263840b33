import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { checkHealth } from '#shared/platform/health.ts';

export const handler = createHandler('platform-health', async () => {
  const report = await checkHealth();
  return jsonResponse(report.status === 'ok' ? 200 : 503, report, { 'Cache-Control': 'no-store' });
});
