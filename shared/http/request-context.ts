import type { RequestOrigin, AuditEvent } from '../audit/audit-entry.ts';
import { actorFromPrincipal } from '../audit/audit-entry.ts';
import type { ApiRequest, AuthenticatedRequest } from './api-request.ts';
import type { Principal } from '../auth/principal.ts';

export type TenantPrincipal = Exclude<Principal, { kind: 'operator' }>;

export function originOf(request: ApiRequest): RequestOrigin {
  return { ipAddress: request.sourceIp, userAgent: request.userAgent };
}

export function actorOfRequest(request: ApiRequest): AuditEvent['actor'] {
  return actorFromPrincipal(request.principal);
}

/** The caller's organization and identity; routes behind a bearer token always have both. */
export function tenantOf(request: ApiRequest): { organizationId: string; principal: TenantPrincipal; origin: RequestOrigin; actor: AuditEvent['actor'] } {
  const principal = (request as AuthenticatedRequest).principal;
  if (!principal || principal.kind === 'operator') throw new Error(`Route ${request.route.id} needs a tenant principal`);
  return { organizationId: principal.organizationId, principal, origin: originOf(request), actor: actorFromPrincipal(principal) };
}
