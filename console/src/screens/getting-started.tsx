import { useState, type FormEvent } from 'react';
import {
  clientCredentialsToken,
  discovery,
  IDENTITY,
  PLATFORM_API_ID,
  SCIM,
  type Client,
  type ClientCredentials,
  type OpenIdConfiguration,
  type ScimListResponse,
  type ScimUser,
} from '../api.ts';
import { CopyField, ErrorNote, Notice, useAction } from '../components.tsx';
import { useSession } from '../session.tsx';

/**
 * The seed's four-step client-credentials setup as a guided flow: create the client registration
 * (credentials shown once), authorize it for the platform API, the values to paste into Entra ID or
 * Okta, then "test connection": a fresh token from /oauth/token and one SCIM request with it.
 */
export function GettingStarted() {
  const { api } = useSession();
  const [name, setName] = useState('Microsoft EntraID');
  const [description, setDescription] = useState('Microsoft EntraID SCIM Provisioning');
  const [client, setClient] = useState<Client>();
  const [credentials, setCredentials] = useState<ClientCredentials>();
  const [authorized, setAuthorized] = useState(false);
  const [oidc, setOidc] = useState<OpenIdConfiguration>();
  const [testResult, setTestResult] = useState<string>();

  const create = useAction(async () => {
    const created = await api.send<Client>('POST', `${IDENTITY}/clients?expand=credentials`, {
      name,
      description,
      enabled: true,
      clientType: 'machineToMachine',
      jwtSigningAlgorithm: 'rs256',
      refreshTokenRotation: false,
      grantTypeClientCredentials: true,
    });
    setClient(created);
    setCredentials(created.credentials ?? undefined);
    setAuthorized(false);
    setTestResult(undefined);
  });
  const authorize = useAction(async () => {
    if (!client) return;
    await api.send('POST', `${IDENTITY}/apis/${PLATFORM_API_ID}/clients`, [{ clientId: client.clientId }]);
    setOidc(await discovery());
    setAuthorized(true);
  });
  const test = useAction(async () => {
    if (!credentials || !oidc) return;
    setTestResult(undefined);
    const token = await clientCredentialsToken(credentials, `${oidc.issuer}/api`);
    const response = await fetch(`${SCIM}/Users?count=1`, { headers: { Authorization: `Bearer ${token.access_token}` }, credentials: 'omit' });
    const body = (await response.json()) as ScimListResponse<ScimUser> & { detail?: string };
    if (!response.ok) throw new Error(`SCIM answered ${response.status}: ${body.detail ?? 'error'}`);
    setTestResult(`Connection works: a token with scopes "${token.scope}" was issued, and SCIM GET /Users answered ${response.status} (${body.totalResults} users).`);
  });

  const onCreate = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };

  return (
    <div className="steps">
      <p>Connect your identity provider (Microsoft Entra ID, Okta, …) for SCIM provisioning in four steps.</p>
      <section aria-labelledby="step-1">
        <h2 id="step-1">1. Create a client registration</h2>
        <form onSubmit={onCreate}>
          <label htmlFor="gs-name">Name</label>
          <input id="gs-name" required maxLength={200} value={name} onChange={(event) => setName(event.target.value)} />
          <label htmlFor="gs-description">Description</label>
          <input id="gs-description" maxLength={2000} value={description} onChange={(event) => setDescription(event.target.value)} />
          <button type="submit" disabled={create.busy}>
            Create client registration
          </button>
          <ErrorNote error={create.error} />
        </form>
        {client && credentials && (
          <div className="credentials" aria-live="polite">
            <Notice>Client registration “{client.name}” created. Copy the secret now: it is shown only once on this page.</Notice>
            <CopyField label="Client ID (client_id)" value={credentials.clientId} />
            <CopyField label="Client secret (client_secret)" value={credentials.clientSecret} secret />
          </div>
        )}
      </section>
      <section aria-labelledby="step-2">
        <h2 id="step-2">2. Authorize it for the platform API</h2>
        <button type="button" disabled={!client || authorized || authorize.busy} onClick={() => void authorize.run()}>
          Authorize for the platform API
        </button>
        {authorized && <Notice>Authorized: the client can now get tokens for SCIM.</Notice>}
        <ErrorNote error={authorize.error} />
      </section>
      <section aria-labelledby="step-3">
        <h2 id="step-3">3. Paste these values into your identity provider</h2>
        {authorized && credentials && oidc ? (
          <div className="idp-values">
            <p>
              Microsoft Entra ID: Enterprise application → Provisioning → Admin credentials. Okta: the SCIM app's Provisioning → Integration (OAuth 2 client
              credentials).
            </p>
            <CopyField label="Tenant URL (SCIM base URL)" value={`${oidc.issuer}/api/scim/v2`} />
            <CopyField label="Token endpoint" value={`${oidc.issuer}/oauth/token?audience=${oidc.issuer}/api`} />
            <CopyField label="Client identifier" value={credentials.clientId} />
            <CopyField label="Client secret" value={credentials.clientSecret} secret />
          </div>
        ) : (
          <p className="muted">Complete steps 1 and 2 first.</p>
        )}
      </section>
      <section aria-labelledby="step-4">
        <h2 id="step-4">4. Test the connection</h2>
        <button type="button" disabled={!authorized || test.busy} onClick={() => void test.run()}>
          Test connection
        </button>
        {testResult && <Notice>{testResult}</Notice>}
        <ErrorNote error={test.error} />
      </section>
    </div>
  );
}
