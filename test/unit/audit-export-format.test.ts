import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvRecord, neutralizeFormula } from '../../shared/audit/audit-export.ts';

describe('audit CSV cells', () => {
  it('neutralises every formula trigger a spreadsheet evaluates', () => {
    for (const value of ['=1+1', '+1', '-1', '@SUM(A1)', '\tcmd', '\rcmd']) expect(neutralizeFormula(value)).toBe(`'${value}`);
    expect(neutralizeFormula('user.login')).toBe('user.login');
  });

  it('flattens details into stable columns with the rest as JSON', () => {
    const record = csvRecord({
      id: '01',
      organizationId: 'o',
      userId: 'u',
      actor: { type: 'user', id: 'u' },
      action: 'user.updated',
      target: { type: 'user', id: 't' },
      timestamp: '2025-11-15T10:30:00Z',
      details: { ipAddress: '192.0.2.1', userAgent: 'Mozilla/5.0', changedAttributes: ['title', 'name'], method: 'scim' },
    });
    expect(Object.fromEntries(CSV_COLUMNS.map((column, index) => [column, record[index]]))).toEqual({
      id: '01',
      timestamp: '2025-11-15T10:30:00Z',
      organizationId: 'o',
      action: 'user.updated',
      actorType: 'user',
      actorId: 'u',
      targetType: 'user',
      targetId: 't',
      ipAddress: '192.0.2.1',
      userAgent: 'Mozilla/5.0',
      changedAttributes: 'title;name',
      details: '{"method":"scim"}',
    });
  });
});
