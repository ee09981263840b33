import { useState, type FormEvent } from 'react';
import { IDENTITY, login, withQuery } from '../api.ts';
import { ErrorNote, Notice, useAction } from '../components.tsx';
import { BASE } from '../router.tsx';
import { useSessionState } from '../session.tsx';

/** Sign-in with email and password (the login endpoint) or through the organization's SAML IdP. */
export function SignIn() {
  const { start, notice } = useSessionState();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [organization, setOrganization] = useState(() => new URLSearchParams(window.location.search).get('organization') ?? '');
  const signIn = useAction(async () => {
    const result = await login(email, password);
    await start(result.accessToken, result.expiresIn);
  });
  const onPassword = (event: FormEvent) => {
    event.preventDefault();
    void signIn.run();
  };
  const onSaml = (event: FormEvent) => {
    event.preventDefault();
    // SP-initiated SSO: the ACS sends the browser back here with the token in the URL fragment.
    window.location.assign(withQuery(`${IDENTITY}/saml/login`, { organization: organization.trim(), RelayState: `${BASE}/` }));
  };
  return (
    <main className="sign-in">
      <h1>Identity platform console</h1>
      {notice && <Notice>{notice}</Notice>}
      <form onSubmit={onPassword} aria-labelledby="password-sign-in">
        <h2 id="password-sign-in">Sign in</h2>
        <label htmlFor="email">Email address</label>
        <input id="email" type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.target.value)} />
        <label htmlFor="password">Password</label>
        <input id="password" type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
        <button type="submit" disabled={signIn.busy}>
          {signIn.busy ? 'Signing in…' : 'Sign in'}
        </button>
        <ErrorNote error={signIn.error} />
      </form>
      <form onSubmit={onSaml} aria-labelledby="saml-sign-in">
        <h2 id="saml-sign-in">Sign in with your organization's identity provider (SAML)</h2>
        <label htmlFor="organization">Organization id</label>
        <input id="organization" required pattern="[0-9a-fA-F-]{36}" value={organization} onChange={(event) => setOrganization(event.target.value)} />
        <button type="submit">Continue with SAML</button>
      </form>
    </main>
  );
}
