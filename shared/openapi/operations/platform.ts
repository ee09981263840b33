import * as ex from '../examples.ts';
import * as s from '../response-schemas.ts';
import type { OperationDocs } from '../operation-docs.ts';

/** Platform routes published in the Directory API definition (the seed lists GET /api/health there). */
export const platformOperations: OperationDocs = {
  'platform-health': {
    tag: 'Health',
    description: 'System health check: reads the table and the export bucket and reports their status and latency, with the version and region.',
    responses: {
      200: { description: 'Healthy', schema: s.health, examples: { example: { summary: 'Healthy', value: ex.health } } },
      503: {
        description: 'A dependency is unavailable (the body is the same report)',
        schema: s.health,
        examples: { example: { summary: 'Degraded', value: { ...ex.health, status: 'degraded', checks: { ...ex.health.checks, exportBucket: { status: 'unavailable', latencyMs: 2000 } } } } },
      },
    },
  },
};
