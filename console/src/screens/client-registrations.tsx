import { useEffect, useState } from 'react';
import { IDENTITY, type Client, type ClientCredentials, type ClientList, type RotatedSecret } from '../api.ts';
import { ActionsHeader, CopyField, ErrorNote, Notice, Pager, useAction } from '../components.tsx';
import { useSession } from '../session.tsx';

const PAGE_SIZE = 20;

/** Client registrations: list, enable/disable, rotate the secret (shown once), delete. */
export function ClientRegistrations() {
  const { api } = useSession();
  const [page, setPage] = useState(1);
  const [list, setList] = useState<ClientList>();
  const [rotated, setRotated] = useState<{ name: string; credentials: ClientCredentials }>();
  const load = useAction(async () => {
    setList(await api.get<ClientList>(`${IDENTITY}/clients`, { pageNumber: page, pageSize: PAGE_SIZE }));
  });
  useEffect(() => {
    void load.run();
  }, [page]);
  const setEnabled = useAction(async (client: Client, enabled: boolean) => {
    await api.send('PATCH', `${IDENTITY}/clients/${client.clientId}`, { enabled });
    await load.run();
  });
  const rotate = useAction(async (client: Client) => {
    if (!window.confirm(`Rotate the secret of “${client.name}”? The old secret stops working at once.`)) return;
    const result = await api.send<RotatedSecret>('POST', `${IDENTITY}/clients/${client.clientId}/secret`);
    setRotated({ name: client.name, credentials: result.credentials });
    await load.run();
  });
  const remove = useAction(async (client: Client) => {
    if (!window.confirm(`Delete “${client.name}”? Its tokens can no longer be issued.`)) return;
    await api.send('DELETE', `${IDENTITY}/clients/${client.clientId}`);
    await load.run();
  });
  return (
    <div>
      <ErrorNote error={load.error ?? setEnabled.error ?? rotate.error ?? remove.error} />
      {rotated && (
        <div className="credentials">
          <Notice>New secret for “{rotated.name}”. Copy it now: it is shown only once here.</Notice>
          <CopyField label="Client ID (client_id)" value={rotated.credentials.clientId} />
          <CopyField label="New client secret" value={rotated.credentials.clientSecret} secret />
        </div>
      )}
      <table>
        <caption>{list ? `${list.pageInfo.totalCount} client registrations` : 'Loading…'}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Secret rotated</th>
            <ActionsHeader />
          </tr>
        </thead>
        <tbody>
          {(list?.items ?? []).map((client) => (
            <tr key={client.clientId}>
              <td>
                {client.name}
                <div className="muted">{client.description}</div>
              </td>
              <td>{client.enabled ? 'Enabled' : 'Disabled'}</td>
              <td>{new Date(client.secretRotatedOn).toLocaleString()}</td>
              <td className="actions">
                <button type="button" onClick={() => void setEnabled.run(client, !client.enabled)} aria-label={`${client.enabled ? 'Disable' : 'Enable'} ${client.name}`}>
                  {client.enabled ? 'Disable' : 'Enable'}
                </button>
                <button type="button" onClick={() => void rotate.run(client)} aria-label={`Rotate the secret of ${client.name}`}>
                  Rotate secret
                </button>
                <button type="button" className="danger" onClick={() => void remove.run(client)} aria-label={`Delete ${client.name}`}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={page} totalPages={list?.pageInfo.totalPages ?? 1} onPage={setPage} label="Client registrations" />
    </div>
  );
}
