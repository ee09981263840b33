import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const production = [...sources('shared'), ...sources('functions'), ...sources('lib'), ...sources('bin')];

/** Files whose source builds one of the named keys (`keys.user(…)`, `keys.groupMembership(…)`, …). */
function buildersOf(names: readonly string[]): string[] {
  const call = new RegExp(`\\bkeys\\.(${names.join('|')})\\s*\\(`);
  return production.filter((path) => path !== join('shared', 'storage', 'keys.ts') && call.test(readFileSync(join(root, path), 'utf8'))).map((path) => relative('.', path));
}

describe('one module writes each entity (issue 11)', () => {
  it('only the users repository builds user, userName-claim and sign-in identity keys', () => {
    expect(buildersOf(['user', 'userPrefix', 'userNameIndex', 'userNameClaim', 'userExternalIdIndex', 'userDirectoryIndex', 'loginIdentity'])).toEqual([join('shared', 'storage', 'users.ts')]);
  });

  it('only the groups repository builds group and membership keys', () => {
    expect(buildersOf(['group', 'groupPrefix', 'groupNameIndex', 'groupExternalIdIndex', 'groupDirectoryIndex', 'groupMembership', 'groupMembershipIndex', 'groupMembersPartition', 'userGroupsIndex'])).toEqual([
      join('shared', 'storage', 'groups.ts'),
    ]);
  });

  it('only the user group summaries repository builds group summary keys', () => {
    expect(buildersOf(['userGroupSummary', 'userGroupSummaryBackfill', 'userGroupSummaryBackfillPartition'])).toEqual([join('shared', 'storage', 'user-group-summaries.ts')]);
  });

  it('only the connections repository builds directory connection keys', () => {
    expect(buildersOf(['connection', 'connectionPrefix'])).toEqual([join('shared', 'storage', 'connections.ts')]);
  });

  it('only the sync projects repository builds sync project, run claim, run and change-record keys', () => {
    expect(buildersOf(['syncProject', 'syncProjectPrefix', 'syncProjectConnectionIndex', 'syncRunClaim', 'syncProjectState', 'syncRun', 'syncRunPartition', 'syncChange', 'syncChangePartition'])).toEqual([
      join('shared', 'storage', 'sync-projects.ts'),
    ]);
  });

  it('only the access reviews repository builds campaign, review item, decision and reviewer keys', () => {
    expect(
      buildersOf(['reviewCampaign', 'reviewCampaignPrefix', 'reviewDueIndex', 'reviewDuePartition', 'reviewRecurrenceIndex', 'reviewRecurrencePartition', 'reviewItem', 'reviewItemPrefix', 'reviewDecision', 'reviewDecisionPrefix', 'reviewerItemIndex', 'reviewerPartition']),
    ).toEqual([join('shared', 'storage', 'access-reviews.ts')]);
  });

  it('only the policies repository builds policy, violation and violation-claim keys', () => {
    expect(
      buildersOf(['policy', 'policyPrefix', 'policyEnabledIndex', 'policyEnabledPartition', 'violation', 'violationPartition', 'violationPolicyIndex', 'violationPolicyPartition', 'violationUnresolvedIndex', 'violationUnresolvedPartition', 'violationClaim', 'violationClaimPartition', 'violationExpiryIndex', 'violationExpiryPartition']),
    ).toEqual([join('shared', 'storage', 'policies.ts')]);
  });

  it('only the persons repository builds person, person-link and correlation-key keys', () => {
    expect(buildersOf(['person', 'personPrefix', 'personLink', 'personLinkPrefix', 'personLinkIndex', 'personObjectsPartition', 'personKey'])).toEqual([join('shared', 'storage', 'persons.ts')]);
  });

  it('only the directory-objects repository builds other-object and attribute-snapshot keys', () => {
    expect(buildersOf(['directoryObject', 'directoryObjectPrefix', 'directoryObjectIndex', 'directoryAttributes'])).toEqual([join('shared', 'storage', 'directory-objects.ts')]);
  });

  it('the check itself finds a key builder where one is written', () => {
    // Guards the scan: the repositories it names really are found by it.
    expect(buildersOf(['user']).length).toBeGreaterThan(0);
    expect(buildersOf(['groupMembership']).length).toBeGreaterThan(0);
  });

  it('no production module outside shared/storage imports the DynamoDB SDK, the keys or the raw queries', () => {
    const forbidden = /from\s+['"](@aws-sdk\/(client-dynamodb|lib-dynamodb)|[^'"]*storage\/(keys|queries|clients)\.ts)['"]/;
    const offenders = production.filter((path) => !path.startsWith(join('shared', 'storage')) && forbidden.test(readFileSync(join(root, path), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
