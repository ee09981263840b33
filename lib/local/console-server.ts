import { createReadStream, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import type { ServerResponse } from 'node:http';
import {
  CACHE_ASSET,
  CACHE_INDEX,
  CONSOLE_ASSETS_DIR,
  CONSOLE_PATH,
  consoleContentType,
  consoleDistDir,
  consoleIndexFile,
  consoleSecurityHeaders,
} from '../console-site.ts';

const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}$/;

/** True for /console and every path below it: the local runtime serves those as static files. */
export function isConsolePath(pathname: string): boolean {
  return pathname === CONSOLE_PATH || pathname.startsWith(`${CONSOLE_PATH}/`);
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body?: string | Buffer): void {
  response.writeHead(status, { ...consoleSecurityHeaders, ...headers });
  response.end(body);
}

/**
 * Serves the built console like the AWS integration does (lib/console-hosting.ts): `/console`
 * redirects to `/console/`; `/console/assets/<file>` is that built file (404 when missing);
 * every other path below /console/ is a client route and gets index.html. Only GET and HEAD;
 * paths are decoded once and must stay inside console/dist (no traversal, no dot files).
 */
export async function serveConsole(method: string, pathname: string, response: ServerResponse): Promise<void> {
  if (method !== 'GET' && method !== 'HEAD') {
    return send(response, 405, { Allow: 'GET, HEAD', 'Content-Type': 'application/json' }, JSON.stringify({ message: 'Method Not Allowed' }));
  }
  if (pathname === CONSOLE_PATH) return send(response, 308, { Location: `${CONSOLE_PATH}/` });
  let rest: string;
  try {
    rest = decodeURIComponent(pathname.slice(CONSOLE_PATH.length + 1));
  } catch {
    return send(response, 400, { 'Content-Type': 'application/json' }, JSON.stringify({ message: 'Bad Request' }));
  }
  const notFound = () => send(response, 404, { 'Content-Type': 'application/json' }, JSON.stringify({ message: 'Not Found' }));
  if (rest.startsWith(`${CONSOLE_ASSETS_DIR}/`)) {
    // One file name below assets/, as the AWS integration's {file} path parameter: no separators,
    // no dot files, no dot segments — and the resolved path must still be inside dist.
    const name = rest.slice(CONSOLE_ASSETS_DIR.length + 1);
    const file = resolve(consoleDistDir, CONSOLE_ASSETS_DIR, name);
    const inside = relative(consoleDistDir, file);
    if (!ASSET_NAME.test(name) || inside.startsWith('..') || inside.split(sep).length !== 2) return notFound();
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) return notFound();
      size = stat.size;
    } catch {
      return notFound();
    }
    response.writeHead(200, { ...consoleSecurityHeaders, 'Content-Type': consoleContentType(file), 'Content-Length': String(size), 'Cache-Control': CACHE_ASSET });
    if (method === 'HEAD') return void response.end();
    createReadStream(file).pipe(response);
    return;
  }
  let html: Buffer;
  try {
    html = await readFile(consoleIndexFile());
  } catch {
    return send(response, 503, { 'Content-Type': 'text/plain; charset=utf-8' }, 'The console is not built: run `npm run build`.\n');
  }
  send(response, 200, { 'Content-Type': consoleContentType('index.html'), 'Cache-Control': CACHE_INDEX }, method === 'HEAD' ? undefined : html);
}
