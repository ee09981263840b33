import type { APIGatewayProxyResult } from 'aws-lambda';
import { JSON_CONTENT_TYPE } from '../http/error-responses.ts';
import type { AcsOutcome } from './acs.ts';
import { escapeXml } from './xml.ts';

/**
 * The page holds a token, so: nothing may load, run, frame or cache it, and the Referer never
 * carries this URL anywhere. The hand-over is a meta refresh, which needs no script.
 */
const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

/** Does the caller ask for JSON rather than a page (an API client, a single-page app's fetch)? */
export function prefersJson(accept: string | undefined): boolean {
  const value = (accept ?? '').toLowerCase();
  return value.includes('application/json') && !value.includes('text/html');
}

function page(status: number, title: string, body: string, refreshTo?: string): APIGatewayProxyResult {
  const refresh = refreshTo ? `<meta http-equiv="refresh" content="0;url=${escapeXml(refreshTo)}">` : '';
  return {
    statusCode: status,
    headers: PAGE_HEADERS,
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">${refresh}<title>${escapeXml(title)}</title></head><body>${body}</body></html>`,
  };
}

/**
 * Shapes the ACS outcome for the caller. JSON callers get the token (or the identity family's
 * error body with the reason code). Browsers get a page that moves them on to the RelayState URL
 * with the token in the URL fragment — which browsers never send to a server — or a small error
 * page naming the reason code.
 */
export function acsResponse(outcome: AcsOutcome, json: boolean): APIGatewayProxyResult {
  if (outcome.ok) {
    if (json) {
      return {
        statusCode: 200,
        headers: { 'Content-Type': JSON_CONTENT_TYPE, 'Cache-Control': 'no-store', Pragma: 'no-cache' },
        body: JSON.stringify({ accessToken: outcome.accessToken, expiresIn: outcome.expiresIn, tokenType: outcome.tokenType, redirectTo: outcome.redirectTo }),
      };
    }
    const fragment = new URLSearchParams({ access_token: outcome.accessToken, token_type: outcome.tokenType, expires_in: String(outcome.expiresIn) });
    const target = `${outcome.redirectTo}#${fragment.toString()}`;
    return page(200, 'Signed in', `<p>Signed in. <a href="${escapeXml(target)}">Continue</a></p>`, target);
  }
  if (json) {
    return {
      statusCode: outcome.status,
      headers: { 'Content-Type': JSON_CONTENT_TYPE, 'Cache-Control': 'no-store' },
      body: JSON.stringify({ error: outcome.status === 400 ? 'invalid_input' : 'unauthenticated', reason: outcome.reason, message: outcome.message, statusCode: outcome.status }),
    };
  }
  return page(outcome.status, 'Sign-in failed', `<h1>Sign-in failed</h1><p>${escapeXml(outcome.message)}</p><p>Reason code: <code>${escapeXml(outcome.reason)}</code></p>`);
}
