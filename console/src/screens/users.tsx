import { useState } from 'react';
import type { ScimUser } from '../api.ts';
import { ActionsHeader, ErrorNote, Pager } from '../components.tsx';
import { RoleAssignments } from '../role-assignments.tsx';
import { useScimListing } from '../scim-listing.tsx';

/** Users (SCIM): search by user name, page, and assign roles to one user. */
export function Users() {
  const { search, setSearch, onSearch, page, setPage, totalPages, result, load } = useScimListing<ScimUser>('Users', 'userName');
  const [selected, setSelected] = useState<ScimUser>();
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
              <ActionsHeader />
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
        <Pager page={page} totalPages={totalPages} onPage={setPage} label="Users" />
      </div>
      <div>{selected ? <RoleAssignments holder="users" id={selected.id} name={selected.userName} /> : <p className="muted">Choose a user to manage their roles.</p>}</div>
    </div>
  );
}
