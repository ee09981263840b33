import { useEffect, useState } from 'react';
import { DIRECTORY, type ReviewCampaignList, type ReviewItem, type ReviewItemList, type Violation, type ViolationList } from '../api.ts';
import { ActionsHeader, ErrorNote, Notice, useAction, useLatestRequest } from '../components.tsx';
import { useSession } from '../session.tsx';

/** Severities from the most to the least urgent (README "Policies and violations"). */
const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
/** Pages the screen reads at once (the API's maximum page size is 200). */
const PAGE_SIZE = 100;

/**
 * Governance (issue 14): access review campaigns with their progress, the signed-in reviewer's
 * inbox of pending items (approve or revoke, with a justification), and open violations by severity
 * (acknowledge or ignore, with a reason).
 */
export function Governance() {
  const { api, me } = useSession();
  const [campaigns, setCampaigns] = useState<ReviewCampaignList>();
  const load = useAction(async () => {
    setCampaigns(await api.get<ReviewCampaignList>(`${DIRECTORY}/reviews/campaigns`, { pageSize: PAGE_SIZE }));
  });
  useEffect(() => {
    void load.run();
  }, []);
  const active = (campaigns?.data ?? []).filter((campaign) => campaign.status === 'active');
  return (
    <div>
      <section className="panel" aria-labelledby="campaigns-title">
        <h2 id="campaigns-title">Access review campaigns</h2>
        <ErrorNote error={load.error} />
        <table>
          <caption>{campaigns ? `${campaigns.totalCount} campaigns` : 'Loading campaigns…'}</caption>
          <thead>
            <tr>
              <th scope="col">Campaign</th>
              <th scope="col">Status</th>
              <th scope="col">Due</th>
              <th scope="col">Progress</th>
            </tr>
          </thead>
          <tbody>
            {(campaigns?.data ?? []).map((campaign) => {
              const { progress } = campaign;
              const decided = progress.approved + progress.revoked;
              return (
                <tr key={campaign.id}>
                  <td>
                    {campaign.name}
                    {campaign.description && <div className="muted">{campaign.description}</div>}
                  </td>
                  <td>{campaign.status}</td>
                  <td>{new Date(campaign.dueAt).toLocaleString()}</td>
                  <td>
                    <progress max={Math.max(1, progress.total)} value={decided} aria-label={`Progress of ${campaign.name}`} />
                    <div className="muted">
                      {decided} of {progress.total} decided ({progress.percentComplete}%): {progress.approved} approved, {progress.revoked} revoked
                      {progress.overdueReviewers.length > 0 && `; overdue reviewers: ${progress.overdueReviewers.length}`}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      <ReviewInbox campaignIds={active.map((campaign) => campaign.id)} names={new Map(active.map((campaign) => [campaign.id, campaign.name]))} onDecided={() => void load.run()} />
      {me.scopes.includes('governance:read') ? (
        <Violations canWrite={me.scopes.includes('governance:write')} />
      ) : (
        <p className="muted">Open violations need the governance:read scope.</p>
      )}
    </div>
  );
}

/** What a review item certifies, in words. */
function entitlementText(item: ReviewItem): string {
  const entitlement = item.entitlement;
  if (entitlement.kind === 'groupMembership') return `member of ${entitlement.groupName}`;
  if (entitlement.kind === 'role') return entitlement.via === 'group' ? `role ${entitlement.roleName} through ${entitlement.groupName}` : `role ${entitlement.roleName}`;
  return `${entitlement.userSource} account${entitlement.department ? ` (${entitlement.department})` : ''}`;
}

/** The signed-in user's pending items in the active campaigns, each decided with a justification. */
function ReviewInbox({ campaignIds, names, onDecided }: { campaignIds: string[]; names: Map<string, string>; onDecided: () => void }) {
  const { api, me } = useSession();
  const [items, setItems] = useState<ReviewItem[]>();
  const [justifications, setJustifications] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string>();
  const key = campaignIds.join(',');
  const load = useAction(async () => {
    if (!me.userId) return setItems([]);
    const pages = await Promise.all(
      campaignIds.map((id) => api.get<ReviewItemList>(`${DIRECTORY}/reviews/campaigns/${id}/items`, { status: 'pending', reviewerId: me.userId, pageSize: 200 })),
    );
    setItems(pages.flatMap((page) => page.data));
  });
  useEffect(() => {
    void load.run();
  }, [key]);
  const decide = useAction(async (item: ReviewItem, decision: 'approve' | 'revoke') => {
    const justification = (justifications[item.id] ?? '').trim();
    if (!justification) throw new Error(`Write why you ${decision} ${item.userName}'s access before deciding.`);
    await api.send('POST', `${DIRECTORY}/reviews/campaigns/${item.campaignId}/items/${item.id}/decision`, { decision, justification });
    await load.run();
    setDone(`${decision === 'approve' ? 'Approved' : 'Revoked'}: ${item.displayName || item.userName}, ${entitlementText(item)}.`);
    onDecided();
  });
  return (
    <section className="panel" aria-labelledby="inbox-title">
      <h2 id="inbox-title">My review items</h2>
      <ErrorNote error={load.error ?? decide.error} />
      {done && <Notice>{done}</Notice>}
      {items && items.length === 0 && <p className="muted">Nothing waits for your decision.</p>}
      <ul className="cards">
        {(items ?? []).map((item) => {
          const what = `${item.userName}, ${entitlementText(item)}`;
          const inputId = `justification-${item.id}`;
          return (
            <li key={item.id} className="card">
              <div>
                <strong>{item.displayName || item.userName}</strong> <span className="muted">{item.userName}</span>
              </div>
              <div>{entitlementText(item)}</div>
              <div className="muted">
                {names.get(item.campaignId)} · Recommended: {item.recommendation} — {item.recommendationReason}
                {item.escalated && ' · Escalated'}
              </div>
              {item.reprovisionRisk && <p className="warning">This access comes from an IdP or directory: remove it there too, or the next provisioning puts it back.</p>}
              <label htmlFor={inputId}>Justification for {what}</label>
              <input id={inputId} maxLength={2000} value={justifications[item.id] ?? ''} onChange={(event) => setJustifications({ ...justifications, [item.id]: event.target.value })} />
              <div className="filter-buttons">
                <button type="button" disabled={decide.busy} onClick={() => void decide.run(item, 'approve')} aria-label={`Approve ${what}`}>
                  Approve
                </button>
                <button type="button" className="danger" disabled={decide.busy} onClick={() => void decide.run(item, 'revoke')} aria-label={`Revoke ${what}`}>
                  Revoke
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** Open violations grouped by severity, each acknowledged or ignored (an exception) with a reason. */
function Violations({ canWrite }: { canWrite: boolean }) {
  const { api } = useSession();
  const [severity, setSeverity] = useState('');
  const [list, setList] = useState<ViolationList>();
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string>();
  const beginRequest = useLatestRequest();
  const load = useAction(async () => {
    const isLatest = beginRequest();
    const listed = await api.get<ViolationList>(`${DIRECTORY}/violations`, { status: 'open', severity, pageSize: 200 });
    if (isLatest()) setList(listed);
  });
  useEffect(() => {
    void load.run();
  }, [severity]);
  const settle = useAction(async (violation: Violation, action: 'acknowledge' | 'ignore') => {
    const reason = (reasons[violation.id] ?? '').trim();
    if (!reason) throw new Error(`Give a reason to ${action} the violation of ${violation.userName}.`);
    await api.send('POST', `${DIRECTORY}/violations/${violation.id}/${action}`, { reason });
    await load.run();
    setDone(`${action === 'acknowledge' ? 'Acknowledged' : 'Ignored'}: ${violation.policyName} for ${violation.userName}.`);
  });
  const violations = list?.data ?? [];
  return (
    <section className="panel" aria-labelledby="violations-title">
      <h2 id="violations-title">Open violations</h2>
      <form className="inline" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor="violation-severity">Severity</label>
        <select id="violation-severity" value={severity} onChange={(event) => setSeverity(event.target.value)}>
          <option value="">All severities</option>
          {SEVERITIES.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => void load.run()}>
          Refresh
        </button>
      </form>
      <ErrorNote error={load.error ?? settle.error} />
      {done && <Notice>{done}</Notice>}
      <p className="muted">
        {list ? `${list.totalCount} open violations` : 'Loading violations…'}
        {list && list.totalCount > violations.length && ` (the newest ${violations.length} shown)`}
      </p>
      {SEVERITIES.map((level) => {
        const ofLevel = violations.filter((violation) => violation.severity === level);
        if (ofLevel.length === 0) return null;
        return (
          <table key={level} className="violations">
            <caption>
              {level.charAt(0).toUpperCase() + level.slice(1)} ({ofLevel.length})
            </caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Policy</th>
                <th scope="col">What holds</th>
                <th scope="col">Opened</th>
                {canWrite && <ActionsHeader />}
              </tr>
            </thead>
            <tbody>
              {ofLevel.map((violation) => {
                const inputId = `reason-${violation.id}`;
                const who = `${violation.policyName} for ${violation.userName}`;
                return (
                  <tr key={violation.id}>
                    <td>
                      {violation.displayName || violation.userName}
                      {violation.displayName && <div className="muted">{violation.userName}</div>}
                    </td>
                    <td>{violation.policyName}</td>
                    <td>{violation.summary}</td>
                    <td>{new Date(violation.reopenedAt ?? violation.openedAt).toLocaleString()}</td>
                    {canWrite && (
                      <td className="decide">
                        <label htmlFor={inputId} className="visually-hidden">
                          Reason for {who}
                        </label>
                        <input id={inputId} placeholder="Reason" maxLength={2000} value={reasons[violation.id] ?? ''} onChange={(event) => setReasons({ ...reasons, [violation.id]: event.target.value })} />
                        <div className="filter-buttons">
                          <button type="button" disabled={settle.busy} onClick={() => void settle.run(violation, 'acknowledge')} aria-label={`Acknowledge ${who}`}>
                            Acknowledge
                          </button>
                          <button type="button" disabled={settle.busy} onClick={() => void settle.run(violation, 'ignore')} aria-label={`Ignore ${who}`}>
                            Ignore
                          </button>
                        </div>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        );
      })}
    </section>
  );
}
