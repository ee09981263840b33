import { auditStep, type RequestOrigin } from '../audit/audit-entry.ts';
import { issueAccessToken, platformAudience } from '../auth/access-tokens.ts';
import { ConflictError, NotFoundError } from '../errors/domain-errors.ts';
import { getOrganization } from '../identity/organizations.ts';
import { effectiveScopes } from '../identity/roles.ts';
import { isUuid } from '../uuid.ts';
import * as samlStore from '../storage/saml.ts';
import { transact, type TransactionStep } from '../storage/transactions.ts';
import * as users from '../storage/users.ts';
import { jitUserSteps } from './jit.ts';
import { SamlRejection, type SamlRejectionReason } from './rejection.ts';
import { defaultRelayTarget, safeRelayTarget } from './relay-state.ts';
import { loadSamlSettings, type SamlSettings } from './settings.ts';
import { serviceProviderUrls } from './service-provider.ts';
import { verifySamlResponse, type VerifiedResponse } from './verify-response.ts';
import { addMetric } from '../observability/metrics.ts';
import * as metric from '../observability/metrics-catalog.ts';

export type AcsOutcome =
  | { ok: true; accessToken: string; expiresIn: number; tokenType: 'Bearer'; redirectTo: string; userId: string }
  | { ok: false; reason: SamlRejectionReason; status: 400 | 401; message: string };

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;
const REQUEST_ID = /^_[0-9a-f]{32}$/;

function first(verified: VerifiedResponse, attribute: string | undefined): string | undefined {
  return attribute ? verified.attributes[attribute]?.find((value) => value !== '') : undefined;
}

/** The email to match: the mapped email attribute, else the NameID when it is an email address. */
function emailOf(verified: VerifiedResponse, settings: SamlSettings): string | undefined {
  const email = first(verified, settings.attributeMappings.email) ?? verified.nameId;
  return EMAIL.test(email) && email.length <= 320 ? email.toLowerCase() : undefined;
}

/** Refusals whose audit entry was already written (with the consumption of the assertion). */
const audited = new WeakSet<SamlRejection>();

/** Replay cache entry: remembered until the assertion could no longer be used anyway. */
function assertionUseStep(organizationId: string, verified: VerifiedResponse): TransactionStep {
  return samlStore.assertionUseStep(organizationId, verified, () => new SamlRejection('assertion_replayed'));
}

/** Consumes the outstanding request once; an expired, used or never-issued one is refused. */
function requestUseStep(organizationId: string, requestId: string): TransactionStep {
  return samlStore.requestConsumeStep(organizationId, requestId, { now: new Date(), onUnknown: () => new SamlRejection('unknown_request') });
}

async function signIn(organizationId: string, samlResponse: string, postedRelayState: string | undefined, origin: RequestOrigin): Promise<AcsOutcome> {
  const settings = await loadSamlSettings(organizationId);
  if (!settings || !settings.enabled) throw new SamlRejection('saml_not_configured');
  const verified = verifySamlResponse(samlResponse, {
    idpCertificates: settings.certificates.map((certificate) => certificate.pem),
    idpEntityId: settings.idpEntityId ?? undefined,
    spEntityId: settings.entityId,
    acsUrl: serviceProviderUrls(organizationId).acsUrl,
  });
  const requestId = verified.inResponseTo;
  const knownShape = requestId === undefined || REQUEST_ID.test(requestId);

  // Every verified assertion is single-use, whatever the outcome: the replay entry and the request
  // consumption join the transaction that records the result.
  const consume = [assertionUseStep(organizationId, verified), ...(requestId && knownShape ? [requestUseStep(organizationId, requestId)] : [])];
  const details = { method: 'saml', idpInitiated: requestId === undefined, assertionId: verified.assertionId };
  const refuse = async (reason: SamlRejectionReason, userId?: string): Promise<never> => {
    const actor = userId ? { actorType: 'user' as const, actorId: userId } : { actorType: 'anonymous' as const, actorId: 'anonymous' };
    await transact([
      ...consume,
      auditStep({ organizationId, action: 'user.login.failed', actor, origin, ...(userId ? { target: { type: 'user', id: userId } } : {}), details: { ...details, reason } }),
    ]);
    const rejection = new SamlRejection(reason);
    audited.add(rejection);
    throw rejection;
  };

  if (requestId === undefined && !settings.allowIdpInitiated) return refuse('idp_initiated_not_allowed');
  if (!knownShape) return refuse('unknown_request');
  const email = emailOf(verified, settings);
  if (email === undefined) return refuse('missing_email');
  // SP-initiated: the target was validated and stored at /saml/login; the posted RelayState is
  // only our request id. IdP-initiated: the posted RelayState, if it is a URL of ours.
  const request = requestId ? await samlStore.requestById(organizationId, requestId) : undefined;
  const redirectTo = request?.relayTarget ?? (requestId ? undefined : safeRelayTarget(postedRelayState)) ?? defaultRelayTarget();

  for (let attempt = 1; ; attempt++) {
    // Whatever its source (SCIM, SAML JIT, directory sync, local), the user whose userName is the email.
    const user = await users.byUserName(organizationId, email);
    if (user && user.active === false) return refuse('user_inactive', user.id);
    if (!user && !settings.jitProvisioning) return refuse('user_not_provisioned');
    const jit = user ? undefined : await jitUserSteps(organizationId, { email, firstName: first(verified, settings.attributeMappings.firstName), lastName: first(verified, settings.attributeMappings.lastName), displayName: first(verified, settings.attributeMappings.displayName) }, settings.defaultGroupId, origin);
    const userId = user?.id ?? (jit?.userId as string);
    try {
      await transact([
        ...consume,
        ...(jit?.steps ?? []),
        // A JIT user is created by this very transaction (one write per item): its first sign-in is its creation.
        ...(user ? [users.signInStep(organizationId, user.id, new Date().toISOString(), () => new ConflictError(`User ${user.id} was deleted during sign-in.`))] : []),
        auditStep({ organizationId, action: 'user.login', actor: { actorType: 'user', actorId: userId }, origin, target: { type: 'user', id: userId }, details: { ...details, jitProvisioned: jit !== undefined } }),
      ]);
    } catch (error) {
      // Two first sign-ins of one new user at once: the other created it; sign in as that user.
      if (error instanceof ConflictError && jit && attempt < 2) continue;
      throw error;
    }
    const scopes = await effectiveScopes(organizationId, userId, user?.roleIds ?? []);
    const token = await issueAccessToken({ subject: userId, subjectType: 'user', organizationId, audience: platformAudience(), scopes });
    return { ok: true, accessToken: token.token, expiresIn: token.expiresIn, tokenType: 'Bearer', redirectTo, userId };
  }
}

/**
 * The Assertion Consumer Service: verifies a SAMLResponse posted for an organization (named by the
 * ACS URL, never by the message), finds or just-in-time provisions the user, and issues a platform
 * access token. Every outcome is audited — `user.login` with method 'saml', or `user.login.failed`
 * with the reason code (never the assertion) — and a refusal is returned, not thrown, so the
 * caller can answer a browser in its own format.
 */
export async function consumeSamlResponse(organizationId: string, samlResponse: string, postedRelayState: string | undefined, origin: RequestOrigin): Promise<AcsOutcome> {
  if (!isUuid(organizationId) || !(await getOrganization(organizationId))) throw new NotFoundError(`Organization ${organizationId} was not found.`);
  try {
    return await signIn(organizationId, samlResponse, postedRelayState, origin);
  } catch (error) {
    if (!(error instanceof SamlRejection)) throw error;
    addMetric(metric.signInFailures, 1, { kind: 'saml' });
    // Refusals decided after verification were audited together with consuming the assertion.
    if (!audited.has(error)) {
      await transact([
        auditStep({ organizationId, action: 'user.login.failed', actor: { actorType: 'anonymous', actorId: 'anonymous' }, origin, details: { method: 'saml', reason: error.reason } }),
      ]);
    }
    return { ok: false, reason: error.reason, status: error.status, message: error.message };
  }
}
