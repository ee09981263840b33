import { useMemo, useState } from 'react';
import { IDENTITY } from '../api.ts';
import { ActionsHeader, ErrorNote, Notice, useAction } from '../components.tsx';
import { useRoles } from '../role-assignments.tsx';
import { useSession } from '../session.tsx';

/** Built-in and custom roles; a custom role is a named set of scopes picked from the platform's scopes. */
export function Roles() {
  const { api, me } = useSession();
  const { roles, reload, error } = useRoles();
  // The Owner role holds every platform scope: the picker offers those, and only those the caller
  // holds can be granted (the API refuses the others).
  const allScopes = useMemo(() => roles.find((role) => role.id === 'owner')?.scopes ?? me.scopes, [roles, me.scopes]);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const [done, setDone] = useState<string>();
  const create = useAction(async () => {
    await api.send('POST', `${IDENTITY}/roles`, { name: name.trim(), description, scopes });
    setDone(`Role “${name.trim()}” created.`);
    setName('');
    setDescription('');
    setScopes([]);
    await reload();
  });
  const remove = useAction(async (roleId: string) => {
    await api.send('DELETE', `${IDENTITY}/roles/${roleId}`);
    await reload();
  });
  const toggle = (scope: string, on: boolean) => setScopes((current) => (on ? [...current, scope] : current.filter((value) => value !== scope)));
  return (
    <div>
      <ErrorNote error={error ?? remove.error} />
      <table>
        <caption>{roles.length} roles</caption>
        <thead>
          <tr>
            <th scope="col">Role</th>
            <th scope="col">Scopes</th>
            <th scope="col">Kind</th>
            <ActionsHeader />
          </tr>
        </thead>
        <tbody>
          {roles.map((role) => (
            <tr key={role.id}>
              <td>
                {role.name}
                {role.description && <div className="muted">{role.description}</div>}
              </td>
              <td className="scopes">{role.scopes.join(' ')}</td>
              <td>{role.builtIn ? 'Built-in' : 'Custom'}</td>
              <td>
                {!role.builtIn && (
                  <button type="button" onClick={() => void remove.run(role.id)} aria-label={`Delete role ${role.name}`}>
                    Delete
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="panel"
        onSubmit={(event) => {
          event.preventDefault();
          void create.run();
        }}
      >
        <h2>New custom role</h2>
        <label htmlFor="role-name">Role name</label>
        <input id="role-name" required maxLength={100} value={name} onChange={(event) => setName(event.target.value)} />
        <label htmlFor="role-description">Description</label>
        <input id="role-description" maxLength={2000} value={description} onChange={(event) => setDescription(event.target.value)} />
        <fieldset>
          <legend>Scopes</legend>
          {allScopes.map((scope) => (
            <label key={scope} className="check">
              <input type="checkbox" checked={scopes.includes(scope)} disabled={!me.scopes.includes(scope)} onChange={(event) => toggle(scope, event.target.checked)} />
              {scope}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={create.busy || scopes.length === 0}>
          Create role
        </button>
        {done && <Notice>{done}</Notice>}
        <ErrorNote error={create.error} />
      </form>
    </div>
  );
}
