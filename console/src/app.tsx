import { useEffect, useRef, useState } from 'react';
import { ErrorNote } from './components.tsx';
import { Link, useRoute } from './router.tsx';
import { AuditLog } from './screens/audit-log.tsx';
import { ClientRegistrations } from './screens/client-registrations.tsx';
import { Directory } from './screens/directory.tsx';
import { GettingStarted } from './screens/getting-started.tsx';
import { Governance } from './screens/governance.tsx';
import { Roles } from './screens/roles.tsx';
import { SamlSettings } from './screens/saml-settings.tsx';
import { SignIn } from './screens/sign-in.tsx';
import { Teams } from './screens/teams.tsx';
import { Users } from './screens/users.tsx';
import { takeTokenFromFragment, useSession, useSessionState } from './session.tsx';

/** The screens, named after the task they serve (STYLE.md), in navigation order. */
const screens = [
  { route: '/', title: 'Getting started', Screen: GettingStarted },
  { route: '/teams', title: 'Teams', Screen: Teams },
  { route: '/users', title: 'Users', Screen: Users },
  { route: '/roles', title: 'Roles', Screen: Roles },
  { route: '/clients', title: 'Client registrations', Screen: ClientRegistrations },
  { route: '/saml', title: 'Sign-in (SAML)', Screen: SamlSettings },
  { route: '/directory', title: 'Directory', Screen: Directory },
  { route: '/governance', title: 'Governance', Screen: Governance },
  { route: '/audit', title: 'Audit log', Screen: AuditLog },
] as const;

export function App() {
  const { session, start } = useSessionState();
  const [fragmentError, setFragmentError] = useState<unknown>();
  const checked = useRef(false);
  useEffect(() => {
    if (checked.current) return;
    checked.current = true;
    const fromSaml = takeTokenFromFragment();
    if (fromSaml) start(fromSaml.token, fromSaml.expiresIn).catch(setFragmentError);
  }, [start]);
  if (!session) {
    return (
      <>
        <ErrorNote error={fragmentError} />
        <SignIn />
      </>
    );
  }
  return <Shell />;
}

function Shell() {
  const { me, signOut } = useSession();
  const route = useRoute();
  const current = screens.find((screen) => screen.route === route) ?? screens[0];
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => {
    document.title = `${current.title} · Identity platform console`;
    setMenuOpen(false);
    // Move focus to the new screen's heading so keyboard and screen-reader users land on it.
    document.getElementById('screen-title')?.focus();
  }, [current]);
  return (
    <div className="shell">
      <a className="skip-link" href="#screen-title">
        Skip to content
      </a>
      <header className="topbar">
        <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
        <span className="brand">Identity platform</span>
        <span className="who" title={me.organizationId}>
          Organization {me.organizationId.slice(0, 8)}…
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <nav id="main-nav" className={menuOpen ? 'open' : ''} aria-label="Console">
        <ul>
          {screens.map((screen) => (
            <li key={screen.route}>
              <Link to={screen.route} current={screen === current}>
                {screen.title}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main>
        <h1 id="screen-title" tabIndex={-1}>
          {current.title}
        </h1>
        <current.Screen />
      </main>
    </div>
  );
}
