import { platformConfig } from '../config.ts';

/** RelayState is echoed through the IdP and ends up in a redirect: bounded, and only to ourselves. */
export const MAX_RELAY_STATE_LENGTH = 1024;

/**
 * Resolves a RelayState to an absolute URL on the platform's own base URL, or undefined when it
 * is not one: only relative paths ("/app/…") and URLs whose origin and path are under the base URL
 * are accepted, so RelayState can never become an open redirect ("//evil.example", "/\\evil",
 * "https://evil.example", "javascript:…" are all refused).
 */
export function safeRelayTarget(relayState: string | undefined): string | undefined {
  if (relayState === undefined || relayState === '' || relayState.length > MAX_RELAY_STATE_LENGTH) return undefined;
  // Control characters and backslashes are how browsers are talked into reading "/\evil" as a host.
  if ([...relayState].some((character) => character === '\\' || character.charCodeAt(0) < 0x20 || character.charCodeAt(0) === 0x7f)) return undefined;
  const base = new URL(`${platformConfig().publicBaseUrl}/`);
  let target: URL;
  if (relayState.startsWith('/')) {
    if (relayState.startsWith('//')) return undefined;
    target = new URL(relayState, base);
  } else {
    try {
      target = new URL(relayState);
    } catch {
      return undefined;
    }
  }
  if (target.origin !== base.origin || !target.pathname.startsWith(base.pathname)) return undefined;
  if (target.username || target.password) return undefined;
  target.hash = '';
  return target.toString();
}

/** Where a browser lands after sign-in when no usable RelayState was given. */
export function defaultRelayTarget(): string {
  return `${platformConfig().publicBaseUrl}/`;
}
