import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { createApiClient, IDENTITY, type ApiClient, type Me } from './api.ts';

/**
 * The signed-in session. The access token lives in this component's memory only (never in
 * storage or cookies): a reload or sign-out forgets it, and its expiry or a 401 returns to the
 * sign-in screen with a message.
 */
export interface Session {
  readonly token: string;
  readonly me: Me;
  readonly api: ApiClient;
  signOut(): void;
}

interface SessionState {
  session: Session | undefined;
  /** Why the last session ended (expired, refused), shown on the sign-in screen. */
  notice: string | undefined;
  start(token: string, expiresInSeconds: number): Promise<void>;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

/** `#access_token=…&expires_in=…` from the SAML ACS redirect (the token never reaches a server). */
export function takeTokenFromFragment(): { token: string; expiresIn: number } | undefined {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const token = fragment.get('access_token');
  if (!token) return undefined;
  // Out of the address bar and the history entry at once.
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
  return { token, expiresIn: Number(fragment.get('expires_in') ?? 3600) };
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const timer = useRef<number | undefined>(undefined);

  const end = useCallback((message: string | undefined) => {
    window.clearTimeout(timer.current);
    setSession(undefined);
    setNotice(message);
  }, []);

  const start = useCallback(
    async (token: string, expiresInSeconds: number) => {
      const api = createApiClient(token, (message) => end(message));
      const me = await api.get<Me>(`${IDENTITY}/me`);
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => end('Your session expired. Sign in again.'), Math.max(1, expiresInSeconds) * 1000);
      setNotice(undefined);
      setSession({ token, me, api, signOut: () => end('You signed out.') });
    },
    [end],
  );

  useEffect(() => () => window.clearTimeout(timer.current), []);
  const value = useMemo(() => ({ session, notice, start }), [session, notice, start]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSessionState(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSessionState outside SessionProvider');
  return state;
}

/** The current session; only screens rendered after sign-in call this. */
export function useSession(): Session {
  const { session } = useSessionState();
  if (!session) throw new Error('useSession without a session');
  return session;
}
