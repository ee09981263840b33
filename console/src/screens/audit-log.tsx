import { useEffect, useId, useState, type FormEvent } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ApiError, errorMessage, IDENTITY, withQuery, type AuditEntry, type AuditExportJob, type AuditPage, type Query } from '../api.ts';
import { activityByFamily, auditQuery, failedSignInsPerDay, topActors, type AuditFilters } from '../audit-charts.ts';
import { ErrorNote, Notice, Pager, useAction, useLatestRequest } from '../components.tsx';
import { useSession } from '../session.tsx';

const PAGE_SIZE = 25;
/** The charts read at most this many entries of the filtered range (10 pages of 100). */
const CHART_PAGES = 10;
const COLORS = ['#1f5fa8', '#b3541e', '#2e7d32', '#6a3d9a', '#a8326e', '#00796b', '#5d4037', '#455a64'];
const EMPTY: AuditFilters = { action: '', actor: '', target: '', text: '', fromDate: '', toDate: '' };

function rangeQuery(filters: AuditFilters): Query {
  return { fromDate: filters.fromDate || undefined, toDate: filters.toDate || undefined };
}

/** The audit log: filters, paged entries, charts over the filtered range, CSV/JSON export. */
export function AuditLog() {
  const { api } = useSession();
  const [draft, setDraft] = useState<AuditFilters>(EMPTY);
  const [filters, setFilters] = useState<AuditFilters>(EMPTY);
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<AuditPage>();
  const [chartEntries, setChartEntries] = useState<AuditEntry[]>([]);
  const [failed, setFailed] = useState<AuditEntry[]>([]);
  const [chartLimited, setChartLimited] = useState(false);
  const [exported, setExported] = useState<string>();

  const beginRequest = useLatestRequest();
  const load = useAction(async () => {
    const isLatest = beginRequest();
    const listed = await api.get<AuditPage>(`${IDENTITY}/audit/list`, { ...rangeQuery(filters), query: auditQuery(filters) || undefined, pageNumber: page, pageSize: PAGE_SIZE });
    if (isLatest()) setResult(listed);
  });
  const readAll = async (query: string): Promise<{ entries: AuditEntry[]; limited: boolean }> => {
    const entries: AuditEntry[] = [];
    for (let pageNumber = 1; pageNumber <= CHART_PAGES; pageNumber += 1) {
      const chunk = await api.get<AuditPage>(`${IDENTITY}/audit/list`, { ...rangeQuery(filters), query: query || undefined, pageNumber, pageSize: 100 });
      entries.push(...chunk.items);
      if (pageNumber >= chunk.pageInfo.totalPages) return { entries, limited: false };
    }
    return { entries, limited: true };
  };
  const loadCharts = useAction(async () => {
    const [all, failures] = await Promise.all([readAll(auditQuery(filters)), readAll(auditQuery({ ...filters, action: 'user.login.failed' }))]);
    setChartEntries(all.entries);
    setFailed(failures.entries);
    setChartLimited(all.limited || failures.limited);
  });
  useEffect(() => {
    void load.run();
  }, [filters, page]);
  useEffect(() => {
    void loadCharts.run();
  }, [filters]);

  const exportLog = useAction(async (exportType: 'csv' | 'json') => {
    setExported(undefined);
    const query: Query = { ...rangeQuery(filters), query: auditQuery(filters) || undefined, exportType };
    let response = await api.fetch(withQuery(`${IDENTITY}/audit/log`, query), { redirect: 'manual' });
    // A file over 1 MB is a redirect to a presigned S3 URL on another origin, which the console's
    // CSP (connect-src 'self') does not fetch: ask for the asynchronous export and navigate to it.
    if (response.type === 'opaqueredirect' || response.status === 302) {
      response = await api.fetch(withQuery(`${IDENTITY}/audit/log`, query), { headers: { Prefer: 'respond-async' } });
    }
    if (response.status === 202) {
      let job = (await response.json()) as AuditExportJob;
      for (let attempt = 0; attempt < 60 && job.status !== 'succeeded' && job.status !== 'failed'; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        job = await api.get<AuditExportJob>(`${IDENTITY}/audit/exports/${job.jobId}`);
      }
      if (job.status !== 'succeeded' || !job.downloadUrl) throw new Error(job.error ?? 'The export did not finish; try a narrower date range.');
      window.location.assign(job.downloadUrl);
      setExported(`Export ${job.fileName ?? ''} ready (${job.entries ?? 0} entries).`);
      return;
    }
    if (!response.ok) {
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON
      }
      throw new ApiError(response.status, errorMessage(response.status, body), body);
    }
    const blob = await response.blob();
    const disposition = response.headers.get('Content-Disposition') ?? '';
    const fileName = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? `audit-log.${exportType === 'csv' ? 'csv' : 'ndjson'}`;
    const url = URL.createObjectURL(blob);
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = fileName;
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setExported(`Downloaded ${fileName}.`);
  });

  const onFilter = (event: FormEvent) => {
    event.preventDefault();
    setPage(1);
    setFilters(draft);
  };
  const field = (name: keyof AuditFilters) => ({
    value: draft[name],
    onChange: (event: { target: { value: string } }) => setDraft({ ...draft, [name]: event.target.value }),
  });
  const activity = activityByFamily(chartEntries);
  const failures = failedSignInsPerDay(failed);
  const actors = topActors(chartEntries);

  return (
    <div>
      <form className="filters" onSubmit={onFilter} aria-label="Audit log filters">
        <Field label="Action" hint="e.g. user.login or user.*" {...field('action')} />
        <Field label="Actor id" {...field('actor')} />
        <Field label="Target id" {...field('target')} />
        <Field label="Text" hint="any word or phrase" {...field('text')} />
        <Field label="From date" type="date" {...field('fromDate')} />
        <Field label="To date" type="date" {...field('toDate')} />
        <div className="filter-buttons">
          <button type="submit">Apply filters</button>
          <button
            type="button"
            onClick={() => {
              setDraft(EMPTY);
              setFilters(EMPTY);
              setPage(1);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <div className="export-buttons">
        <button type="button" disabled={exportLog.busy} onClick={() => void exportLog.run('csv')}>
          Export CSV
        </button>
        <button type="button" disabled={exportLog.busy} onClick={() => void exportLog.run('json')}>
          Export JSON
        </button>
        {exported && <Notice>{exported}</Notice>}
        <ErrorNote error={exportLog.error} />
      </div>
      <ErrorNote error={load.error ?? loadCharts.error} />
      <section className="charts" aria-label="Audit charts">
        <figure>
          <figcaption>Activity per day by action family</figcaption>
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={activity.days}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="day" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Legend />
              {activity.families.map((family, index) => (
                <Bar key={family} dataKey={family} stackId="families" fill={COLORS[index % COLORS.length]} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </figure>
        <figure>
          <figcaption>Failed sign-ins per day</figcaption>
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={failures}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="day" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Bar dataKey="failed" name="Failed sign-ins" fill="#b3261e" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </figure>
        <figure>
          <figcaption>Top actors</figcaption>
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={actors} layout="vertical" margin={{ left: 16 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis type="number" allowDecimals={false} />
              <YAxis type="category" dataKey="actor" width={140} tickFormatter={(value: string) => (value.length > 22 ? `${value.slice(0, 21)}…` : value)} />
              <Tooltip />
              <Bar dataKey="entries" name="Entries" fill="#1f5fa8" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </figure>
        {chartLimited && <p className="muted">The charts show the newest {CHART_PAGES * 100} matching entries; narrow the date range to chart further back.</p>}
      </section>
      <table className="audit">
        <caption>{result ? `${result.pageInfo.totalCount}${result.pageInfo.totalCountCapped ? '+' : ''} entries` : 'Loading entries…'}</caption>
        <thead>
          <tr>
            <th scope="col">Time (UTC)</th>
            <th scope="col">Action</th>
            <th scope="col">Actor</th>
            <th scope="col">Target</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {(result?.items ?? []).map((entry) => (
            <tr key={entry.id}>
              <td>{entry.timestamp.replace('T', ' ').slice(0, 19)}</td>
              <td>{entry.action}</td>
              <td>
                {entry.actor.type}:{entry.actor.id}
              </td>
              <td>{entry.target ? `${entry.target.type}:${entry.target.id}` : '—'}</td>
              <td className="details">{Object.keys(entry.details).length > 0 ? JSON.stringify(entry.details) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={page} totalPages={result?.pageInfo.totalPages ?? 1} onPage={setPage} label="Audit log" />
    </div>
  );
}

function Field({ label, hint, type = 'text', value, onChange }: { label: string; hint?: string; type?: string; value: string; onChange: (event: { target: { value: string } }) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type={type} value={value} onChange={onChange} placeholder={hint} />
    </div>
  );
}
