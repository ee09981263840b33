import { useEffect, useState, type FormEvent } from 'react';
import { SCIM, type ScimGroup, type ScimListResponse } from '../api.ts';
import { ErrorNote, Notice, Pager, useAction } from '../components.tsx';
import { RoleAssignments } from '../role-assignments.tsx';
import { useSession } from '../session.tsx';

const PAGE_SIZE = 20;
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** A SCIM filter string literal (RFC 7644 §3.4.2.2): quotes and backslashes escaped. */
export function scimString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Teams are SCIM groups: search, page, create, and assign roles to a team. */
export function Teams() {
  const { api } = useSession();
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState('');
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<ScimListResponse<ScimGroup>>();
  const [selected, setSelected] = useState<ScimGroup>();
  const [newName, setNewName] = useState('');
  const [created, setCreated] = useState<string>();

  const load = useAction(async () => {
    const query: Record<string, string | number> = { startIndex: (page - 1) * PAGE_SIZE + 1, count: PAGE_SIZE, sortBy: 'displayName' };
    if (applied) query.filter = `displayName co ${scimString(applied)}`;
    setResult(await api.get<ScimListResponse<ScimGroup>>(`${SCIM}/Groups`, query));
  });
  useEffect(() => {
    void load.run();
  }, [applied, page]);

  const create = useAction(async () => {
    const group = await api.send<ScimGroup>('POST', `${SCIM}/Groups`, { schemas: [GROUP_SCHEMA], displayName: newName.trim() }, 'application/scim+json');
    setCreated(`Team “${group.displayName}” created.`);
    setNewName('');
    setSelected(group);
    await load.run();
  });

  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    setPage(1);
    setApplied(search.trim());
  };
  const totalPages = Math.ceil((result?.totalResults ?? 0) / PAGE_SIZE);

  return (
    <div className="two-columns">
      <div>
        <form className="inline" role="search" onSubmit={onSearch}>
          <label htmlFor="team-search">Search teams</label>
          <input id="team-search" type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
          <button type="submit">Search</button>
        </form>
        <ErrorNote error={load.error} />
        <table>
          <caption>{result ? `${result.totalResults} teams` : 'Loading teams…'}</caption>
          <thead>
            <tr>
              <th scope="col">Team</th>
              <th scope="col">Members</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(result?.Resources ?? []).map((group) => (
              <tr key={group.id} aria-selected={selected?.id === group.id}>
                <td>{group.displayName}</td>
                <td>{group.members?.length ?? 0}</td>
                <td>
                  <button type="button" onClick={() => setSelected(group)} aria-label={`Roles of ${group.displayName}`}>
                    Roles
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Pager page={page} totalPages={totalPages} onPage={setPage} label="Teams" />
        <form
          className="inline"
          onSubmit={(event) => {
            event.preventDefault();
            void create.run();
          }}
        >
          <label htmlFor="team-name">New team name</label>
          <input id="team-name" required maxLength={256} value={newName} onChange={(event) => setNewName(event.target.value)} />
          <button type="submit" disabled={create.busy}>
            Create team
          </button>
        </form>
        {created && <Notice>{created}</Notice>}
        <ErrorNote error={create.error} />
      </div>
      <div>{selected ? <RoleAssignments holder="groups" id={selected.id} name={selected.displayName} /> : <p className="muted">Choose a team to manage its roles.</p>}</div>
    </div>
  );
}
