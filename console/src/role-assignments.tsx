import { useCallback, useEffect, useId, useState } from 'react';
import { IDENTITY, type Role, type RoleItems, type RolePage } from './api.ts';
import { ErrorNote, useAction } from './components.tsx';
import { useSession } from './session.tsx';

/** Every role of the organization (built-in and custom), for pickers. */
export function useRoles(): { roles: Role[]; reload: () => Promise<void>; error: unknown } {
  const { api } = useSession();
  const [roles, setRoles] = useState<Role[]>([]);
  const [error, setError] = useState<unknown>();
  const reload = useCallback(async () => {
    try {
      setRoles((await api.get<RolePage>(`${IDENTITY}/roles`, { pageSize: 100 })).items);
    } catch (caught) {
      setError(caught);
    }
  }, [api]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { roles, reload, error };
}

/**
 * The roles assigned to one team (group) or user, with assign and remove. Teams first, as the seed
 * recommends: a user's token carries its own roles and its teams' roles.
 */
export function RoleAssignments({ holder, id, name }: { holder: 'groups' | 'users'; id: string; name: string }) {
  const { api } = useSession();
  const { roles } = useRoles();
  const pickerId = useId();
  const [assigned, setAssigned] = useState<Role[]>([]);
  const [choice, setChoice] = useState('');
  const load = useAction(async () => {
    setAssigned((await api.get<RoleItems>(`${IDENTITY}/${holder}/${id}/roles`)).items);
  });
  useEffect(() => {
    void load.run();
  }, [holder, id]);
  const assign = useAction(async () => {
    if (!choice) return;
    await api.send('POST', `${IDENTITY}/${holder}/${id}/roles`, { roles: [choice] });
    setChoice('');
    await load.run();
  });
  const remove = useAction(async (roleId: string) => {
    await api.send('DELETE', `${IDENTITY}/${holder}/${id}/roles/${encodeURIComponent(roleId)}`);
    await load.run();
  });
  const available = roles.filter((role) => !assigned.some((held) => held.id === role.id));
  return (
    <section className="panel" aria-label={`Roles of ${name}`}>
      <h3>Roles of {name}</h3>
      {assigned.length === 0 ? (
        <p className="muted">No roles assigned.</p>
      ) : (
        <ul className="chips">
          {assigned.map((role) => (
            <li key={role.id}>
              {role.name}
              <button type="button" onClick={() => void remove.run(role.id)} aria-label={`Remove role ${role.name} from ${name}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="inline"
        onSubmit={(event) => {
          event.preventDefault();
          void assign.run();
        }}
      >
        <label htmlFor={pickerId}>Role to assign</label>
        <select id={pickerId} value={choice} onChange={(event) => setChoice(event.target.value)}>
          <option value="">Choose a role…</option>
          {available.map((role) => (
            <option key={role.id} value={role.id}>
              {role.name}
            </option>
          ))}
        </select>
        <button type="submit" disabled={!choice || assign.busy}>
          Assign role
        </button>
      </form>
      <ErrorNote error={load.error ?? assign.error ?? remove.error} />
    </section>
  );
}
