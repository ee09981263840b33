import { describe, expect, it } from 'vitest';
import { listConnectionsRequest } from '../../shared/directory/connection-schemas.ts';
import { listUsersQuery } from '../../shared/directory/schemas.ts';
import { syncHistoryRequest } from '../../shared/directory/sync-schemas.ts';
import { listCampaignsRequest } from '../../shared/governance/access-review-schemas.ts';
import { pageQuerySchema } from '../../shared/http/paging.ts';

describe('page and pageSize query parameters', () => {
  const lists = { users: listUsersQuery(), connections: listConnectionsRequest.query, syncHistory: syncHistoryRequest.query, campaigns: listCampaignsRequest.query };

  it('take decimal digits only, with a clear message, on every Directory API list', () => {
    for (const [list, schema] of Object.entries(lists)) {
      for (const value of ['1e2', ' ', '%20', '0x10', '+5', '-1', '2.0', '1.5', 'ten', '']) {
        for (const name of ['page', 'pageSize']) {
          const result = schema.safeParse({ [name]: value });
          expect(result.success, `${list} ${name}=${JSON.stringify(value)}`).toBe(false);
          expect(result.error?.issues[0]?.message, `${list} ${name}=${JSON.stringify(value)}`).toBe(`${name} must be a whole number written in digits, e.g. 25`);
        }
      }
      expect(schema.safeParse({ page: '2', pageSize: '100' }).data, list).toMatchObject({ page: 2, pageSize: 100 });
      expect(schema.safeParse({}).data, list).toMatchObject({ page: 1, pageSize: 50 });
      expect(schema.safeParse({ pageSize: '0' }).error?.issues[0]?.message, list).toBe('pageSize must be 1 or more');
      expect(schema.safeParse({ pageSize: '201' }).error?.issues[0]?.message, list).toMatch(/^pageSize must be at most 200/);
    }
  });

  it('the Identity Management API pageSize/pageNumber follow the same rule', () => {
    const schema = pageQuerySchema({ pageSize: 20, maxPageSize: 100 });
    expect(schema.safeParse({ pageSize: '1e2' }).success).toBe(false);
    expect(schema.safeParse({ pageNumber: ' ' }).success).toBe(false);
    expect(schema.safeParse({ pageSize: '07', pageNumber: '3' }).data).toEqual({ pageSize: 7, pageNumber: 3 });
  });
});
