import { extname, join, resolve } from 'node:path';

/**
 * The admin console as static files (issue 15): where the build lands and the response headers
 * both the local runtime (lib/local/console-server.ts) and the API Gateway S3 integration
 * (lib/console-hosting.ts) serve it with.
 */

/** The URL path the console is served under, on the API's own origin. */
export const CONSOLE_PATH = '/console';
/** Vite's build output (git-ignored); `npm run build` writes it. */
export const consoleDistDir = resolve(import.meta.dirname, '..', 'console', 'dist');
/** Vite puts every built file except index.html here, with a content hash in its name. */
export const CONSOLE_ASSETS_DIR = 'assets';

/**
 * Strict Content-Security-Policy: scripts, styles and API calls from this origin only, no inline
 * script, no plugins, no framing; the console makes no third-party request. Recharts sets SVG
 * style properties through the DOM (CSSOM), which style-src does not govern.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers on every console response (HTML and assets). */
export const consoleSecurityHeaders: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** index.html is revalidated on every load; hashed assets never change under their name. */
export const CACHE_INDEX = 'no-cache';
export const CACHE_ASSET = 'public, max-age=31536000, immutable';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** The Content-Type of a built file by extension; unknown extensions are served as bytes. */
export function consoleContentType(fileName: string): string {
  return contentTypes[extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}

export const consoleIndexFile = (): string => join(consoleDistDir, 'index.html');
