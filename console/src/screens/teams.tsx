import { useState } from 'react';
import { SCIM, type ScimGroup } from '../api.ts';
import { ActionsHeader, ErrorNote, Notice, Pager, useAction } from '../components.tsx';
import { RoleAssignments } from '../role-assignments.tsx';
import { useScimListing } from '../scim-listing.tsx';
import { useSession } from '../session.tsx';

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** Teams are SCIM groups: search, page, create, and assign roles to a team. */
export function Teams() {
  const { api } = useSession();
  const { search, setSearch, onSearch, page, setPage, totalPages, result, load } = useScimListing<ScimGroup>('Groups', 'displayName');
  const [selected, setSelected] = useState<ScimGroup>();
  const [newName, setNewName] = useState('');
  const [created, setCreated] = useState<string>();

  const create = useAction(async () => {
    const group = await api.send<ScimGroup>('POST', `${SCIM}/Groups`, { schemas: [GROUP_SCHEMA], displayName: newName.trim() }, 'application/scim+json');
    setCreated(`Team “${group.displayName}” created.`);
    setNewName('');
    setSelected(group);
    await load.run();
  });


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
              <ActionsHeader />
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
