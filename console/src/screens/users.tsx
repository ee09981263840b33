import { useEffect, useState, type FormEvent } from 'react';
import { SCIM, type ScimListResponse, type ScimUser } from '../api.ts';
import { ErrorNote, Pager, useAction } from '../components.tsx';
import { RoleAssignments } from '../role-assignments.tsx';
import { useSession } from '../session.tsx';
import { scimString } from './teams.tsx';

const PAGE_SIZE = 20;

/** Users (SCIM): search by user name, page, and assign roles to one user. */
export function Users() {
  const { api } = useSession();
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState('');
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<ScimListResponse<ScimUser>>();
  const [selected, setSelected] = useState<ScimUser>();
  const load = useAction(async () => {
    const query: Record<string, string | number> = { startIndex: (page - 1) * PAGE_SIZE + 1, count: PAGE_SIZE, sortBy: 'userName' };
    if (applied) query.filter = `userName co ${scimString(applied)}`;
    setResult(await api.get<ScimListResponse<ScimUser>>(`${SCIM}/Users`, query));
  });
  useEffect(() => {
    void load.run();
  }, [applied, page]);
  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    setPage(1);
    setApplied(search.trim());
  };
  return (
    <div className="two-columns">
      <div>
        <p className="muted">Prefer assigning roles to teams; give a user a role of their own only for exceptions.</p>
        <form className="inline" role="search" onSubmit={onSearch}>
          <label htmlFor="user-search">Search users</label>
          <input id="user-search" type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
          <button type="submit">Search</button>
        </form>
        <ErrorNote error={load.error} />
        <table>
          <caption>{result ? `${result.totalResults} users` : 'Loading users…'}</caption>
          <thead>
            <tr>
              <th scope="col">User name</th>
              <th scope="col">Name</th>
              <th scope="col">Active</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(result?.Resources ?? []).map((user) => (
              <tr key={user.id}>
                <td>{user.userName}</td>
                <td>{user.displayName ?? user.name?.formatted ?? [user.name?.givenName, user.name?.familyName].filter(Boolean).join(' ')}</td>
                <td>{user.active === false ? 'No' : 'Yes'}</td>
                <td>
                  <button type="button" onClick={() => setSelected(user)} aria-label={`Roles of ${user.userName}`}>
                    Roles
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Pager page={page} totalPages={Math.ceil((result?.totalResults ?? 0) / PAGE_SIZE)} onPage={setPage} label="Users" />
      </div>
      <div>{selected ? <RoleAssignments holder="users" id={selected.id} name={selected.userName} /> : <p className="muted">Choose a user to manage their roles.</p>}</div>
    </div>
  );
}
