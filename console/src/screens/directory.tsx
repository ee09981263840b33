import { useEffect, useState } from 'react';
import {
  DIRECTORY,
  type ApiClient,
  type Connection,
  type ConnectionList,
  type ConnectionTestResult,
  type SyncChange,
  type SyncProject,
  type SyncProjectList,
  type SyncRun,
  type SyncRunDetail,
  type SyncRunList,
} from '../api.ts';
import { ActionsHeader, ErrorNote, Notice, useAction } from '../components.tsx';
import { useSession } from '../session.tsx';

const HISTORY_PAGE_SIZE = 20;
/** Change records shown per run (the API's maximum page size). */
const CHANGES_PAGE_SIZE = 200;
/** How long the screen follows a run it queued: 1 s apart, at most 2 minutes. */
const POLL_INTERVAL_MS = 1000;
const POLL_ATTEMPTS = 120;

const finishedRun = (run: SyncRun) => run.status !== 'queued' && run.status !== 'running';

/** Reads a run until it has finished (bounded); the last read when it has not finished in time. */
async function followRun(api: ApiClient, runId: string, onRead: () => void): Promise<SyncRunDetail> {
  let run = await api.get<SyncRunDetail>(`${DIRECTORY}/sync/history/${runId}`, { pageSize: CHANGES_PAGE_SIZE });
  for (let attempt = 0; attempt < POLL_ATTEMPTS && !finishedRun(run); attempt += 1) {
    await new Promise((resolve) => window.setTimeout(resolve, POLL_INTERVAL_MS));
    run = await api.get<SyncRunDetail>(`${DIRECTORY}/sync/history/${runId}`, { pageSize: CHANGES_PAGE_SIZE });
    onRead();
  }
  return run;
}

/**
 * Directory (issue 13): connections with a test, sync projects run now or as a dry run whose plan
 * is shown as a diff (and can be applied unchanged), and the run history with counts and the
 * per-object changes of a run.
 */
export function Directory() {
  const { api } = useSession();
  const [connections, setConnections] = useState<ConnectionList>();
  const [projects, setProjects] = useState<SyncProjectList>();
  const [history, setHistory] = useState<SyncRunList>();
  const [tests, setTests] = useState<Record<string, ConnectionTestResult>>({});
  const [shown, setShown] = useState<{ title: string; run: SyncRunDetail }>();
  const [done, setDone] = useState<string>();
  const load = useAction(async () => {
    const [connectionList, projectList] = await Promise.all([
      api.get<ConnectionList>(`${DIRECTORY}/connections`, { pageSize: 200 }),
      api.get<SyncProjectList>(`${DIRECTORY}/sync/projects`, { pageSize: 200 }),
    ]);
    setConnections(connectionList);
    setProjects(projectList);
  });
  const loadHistory = useAction(async () => {
    setHistory(await api.get<SyncRunList>(`${DIRECTORY}/sync/history`, { pageSize: HISTORY_PAGE_SIZE }));
  });
  useEffect(() => {
    void load.run();
    void loadHistory.run();
  }, []);
  const connectionName = (id: string) => connections?.data.find((connection) => connection.id === id)?.name ?? id;

  const test = useAction(async (connection: Connection) => {
    const result = await api.send<ConnectionTestResult>('POST', `${DIRECTORY}/connections/${connection.id}/test`);
    setTests((current) => ({ ...current, [connection.id]: result }));
  });
  const runProject = useAction(async (project: SyncProject, body: { dryRun?: boolean; applyPlanOf?: string }) => {
    const kind = body.dryRun ? 'Dry run' : body.applyPlanOf ? 'Applying the plan' : 'Run';
    setDone(`${kind} of “${project.name}” queued…`);
    const queued = await api.send<{ runId: string }>('POST', `${DIRECTORY}/sync/projects/${project.id}/run`, body);
    await loadHistory.run();
    const run = await followRun(api, queued.runId, () => void loadHistory.run());
    await loadHistory.run();
    setDone(`${kind} of “${project.name}”: ${run.status}${run.message ? ` — ${run.message}` : ''}.`);
    if (body.dryRun) setShown({ title: `Plan of the dry run of “${project.name}”`, run });
    else setShown({ title: `Changes of the run of “${project.name}”`, run });
  });
  const showRun = useAction(async (run: SyncRun) => {
    const detail = await api.get<SyncRunDetail>(`${DIRECTORY}/sync/history/${run.id}`, { pageSize: CHANGES_PAGE_SIZE });
    setShown({ title: `${run.dryRun ? 'Plan of the dry run' : 'Changes of the run'} of “${run.projectName}” queued ${new Date(run.queuedAt).toLocaleString()}`, run: detail });
  });
  const shownProject = shown && projects?.data.find((project) => project.id === shown.run.projectId);

  return (
    <div>
      <ErrorNote error={load.error ?? test.error} />
      <table>
        <caption>{connections ? `${connections.totalCount} connections` : 'Loading connections…'}</caption>
        <thead>
          <tr>
            <th scope="col">Connection</th>
            <th scope="col">Type</th>
            <th scope="col">Server</th>
            <th scope="col">Status</th>
            <th scope="col">Test result</th>
            <ActionsHeader />
          </tr>
        </thead>
        <tbody>
          {(connections?.data ?? []).map((connection) => {
            const outcome = tests[connection.id];
            return (
              <tr key={connection.id}>
                <td>{connection.name}</td>
                <td>{connection.type}</td>
                <td>
                  {connection.host ? `${connection.host}:${connection.port ?? ''} (${connection.tlsMode ?? ''})` : 'SCIM provisioning'}
                  {connection.warnings.includes('insecure_transport') && <div className="error">Cleartext: the bind password crosses the network unencrypted</div>}
                </td>
                <td>{connection.status}</td>
                <td>
                  <span role="status" aria-label={`Test result of ${connection.name}`}>
                    {outcome && <TestOutcome result={outcome} />}
                  </span>
                </td>
                <td>
                  {connection.type !== 'scim' && (
                    <button type="button" disabled={test.busy} onClick={() => void test.run(connection)} aria-label={`Test ${connection.name}`}>
                      Test
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <ErrorNote error={runProject.error ?? showRun.error} />
      {done && <Notice>{done}</Notice>}
      <table>
        <caption>{projects ? `${projects.totalCount} sync projects` : 'Loading sync projects…'}</caption>
        <thead>
          <tr>
            <th scope="col">Sync project</th>
            <th scope="col">Connection</th>
            <th scope="col">Mode</th>
            <th scope="col">Schedule</th>
            <ActionsHeader />
          </tr>
        </thead>
        <tbody>
          {(projects?.data ?? []).map((project) => (
            <tr key={project.id}>
              <td>
                {project.name}
                <div className="muted">{project.searchBases.join('; ')}</div>
              </td>
              <td>{connectionName(project.connectionId)}</td>
              <td>
                {project.mode}, {project.objectClasses.join(' and ')}
              </td>
              <td>
                {project.schedule ? `${project.schedule.expression}${project.schedule.enabled ? '' : ' (paused)'}` : 'On demand'}
                {project.nextRunAt && <div className="muted">Next {new Date(project.nextRunAt).toLocaleString()}</div>}
              </td>
              <td className="actions">
                <button type="button" disabled={runProject.busy} onClick={() => void runProject.run(project, {})} aria-label={`Run ${project.name} now`}>
                  Run now
                </button>
                <button type="button" disabled={runProject.busy} onClick={() => void runProject.run(project, { dryRun: true })} aria-label={`Dry run ${project.name}`}>
                  Dry run
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {shown && (
        <section className="panel" aria-labelledby="run-changes-title">
          <h2 id="run-changes-title">{shown.title}</h2>
          <RunChanges run={shown.run} />
          {shown.run.dryRun && shown.run.status === 'succeeded' && shownProject && (
            <button type="button" disabled={runProject.busy} onClick={() => void runProject.run(shownProject, { applyPlanOf: shown.run.id })}>
              Apply this plan
            </button>
          )}
        </section>
      )}

      <ErrorNote error={loadHistory.error} />
      <table className="history">
        <caption>{history ? `Run history: ${history.totalCount} runs` : 'Loading run history…'}</caption>
        <thead>
          <tr>
            <th scope="col">Queued</th>
            <th scope="col">Project</th>
            <th scope="col">Run</th>
            <th scope="col">Status</th>
            <th scope="col">Counts</th>
            <ActionsHeader />
          </tr>
        </thead>
        <tbody>
          {(history?.data ?? []).map((run) => (
            <tr key={run.id}>
              <td>{new Date(run.queuedAt).toLocaleString()}</td>
              <td>{run.projectName}</td>
              <td>
                {run.mode}
                {run.dryRun && ', dry run'}
                {run.appliesPlanOf && ', applied a plan'}
                {run.object && ', one object'}
              </td>
              <td>
                {run.status}
                {run.reason && <div className="muted">{run.reason}</div>}
              </td>
              <td className="counts">{countsText(run)}</td>
              <td>
                {finishedRun(run) && (
                  <button type="button" onClick={() => void showRun.run(run)} aria-label={`Changes of the ${run.projectName} run queued ${new Date(run.queuedAt).toLocaleString()}`}>
                    Changes
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function countsText(run: SyncRun): string {
  const { processed, created, updated, unchanged, deactivated, deleted, errors } = run.counts;
  return `${processed} processed: ${created} created, ${updated} updated, ${unchanged} unchanged, ${deactivated} deactivated, ${deleted} deleted, ${errors} errors`;
}

function TestOutcome({ result }: { result: ConnectionTestResult }) {
  if (!result.success) {
    return (
      <span className="error">
        Failed ({result.reason}
        {result.resultCode !== undefined && `, LDAP result ${result.resultCode}`}): {result.message}
      </span>
    );
  }
  const vendor = result.vendor ? `${result.vendor.product}${result.vendor.vendorName ? ` (${result.vendor.vendorName})` : ''}` : 'Directory';
  return (
    <span>
      Connected in {result.latencyMs} ms: {vendor}, TLS {result.tls?.mode ?? 'none'}
      {result.tls?.verified ? ' (verified)' : ''}
      {result.defaultNamingContext && `, ${result.defaultNamingContext}`}
      {result.pagedResultsSupported === false && ', no paged results'}
    </span>
  );
}

const show = (value: unknown) => (value === undefined || value === null ? '—' : typeof value === 'string' ? value : JSON.stringify(value));

/** A run's change records as a diff: adds, updates (before → after), deletes and errors. */
function RunChanges({ run }: { run: SyncRunDetail }) {
  const records = run.changes.data;
  const groups: { title: string; className: string; sign: string; changes: SyncChange[] }[] = [
    { title: 'Adds', className: 'diff-add', sign: '+', changes: records.filter((change) => change.action === 'created') },
    { title: 'Updates', className: 'diff-update', sign: '~', changes: records.filter((change) => change.action === 'updated') },
    { title: 'Deletes', className: 'diff-delete', sign: '−', changes: records.filter((change) => change.action === 'deactivated' || change.action === 'deleted') },
    { title: 'Errors', className: 'diff-error', sign: '!', changes: records.filter((change) => change.action === 'error') },
  ];
  const unchanged = records.filter((change) => change.action === 'unchanged').length;
  return (
    <div className="diff">
      <p className="muted">
        {run.status}
        {run.message && ` — ${run.message}`}. {countsText(run)}
        {run.wouldRemove !== undefined && `; would remove ${run.wouldRemove}`}
        {run.changes.totalCount > records.length && ` (the first ${records.length} of ${run.changes.totalCount} records shown)`}
      </p>
      {groups.map((group) => (
        <section key={group.title} aria-label={group.title}>
          <h3>
            {group.title} ({group.changes.length})
          </h3>
          <ul>
            {group.changes.map((change) => (
              <li key={change.sequence} className={group.className}>
                <span aria-hidden="true">{group.sign} </span>
                {change.objectClass} <code>{change.dn}</code>
                {change.action === 'deleted' && ' (deleted)'}
                {change.action === 'deactivated' && ' (deactivated)'}
                {change.pending && ' (pending)'}
                {change.error && <div className="error">{change.error}</div>}
                {change.changes && Object.keys(change.changes).length > 0 && (
                  <dl>
                    {Object.entries(change.changes).map(([attribute, { before, after }]) => (
                      <div key={attribute} className="diff-attribute">
                        <dt>{attribute}</dt>
                        <dd>
                          <del>{show(before)}</del> → <ins>{show(after)}</ins>
                        </dd>
                      </div>
                    ))}
                  </dl>
                )}
                {change.members && (change.members.added.length > 0 || change.members.removed.length > 0) && (
                  <div className="muted">
                    Members: {change.members.added.length} added, {change.members.removed.length} removed
                  </div>
                )}
              </li>
            ))}
          </ul>
        </section>
      ))}
      {unchanged > 0 && <p className="muted">{unchanged} objects unchanged.</p>}
    </div>
  );
}
