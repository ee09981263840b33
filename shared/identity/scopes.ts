/**
 * The platform API's scopes. Route permissions in shared/routes.ts name these; roles are sets of
 * them; client registrations authorized for the platform API receive the scopes they ask for
 * (or, by default, the machine-to-machine set).
 */
export const platformScopes = {
  'scim:read': 'Read users and groups through SCIM',
  'scim:write': 'Provision users and groups through SCIM',
  'directory:read': 'Read the directory (users, groups, objects, connections)',
  'directory:write': 'Change the directory and trigger synchronization',
  'audit:read': 'Read and export the audit log',
  'governance:read': 'Read every access review campaign and its items (reviewers see their own items without it)',
  'governance:write': 'Create, start, close and apply access review campaigns; decide any item',
  'identity:read': 'Read clients, APIs, roles and SAML settings',
  'identity:admin': 'Manage clients, APIs, roles, role assignments and SAML settings',
  'organization:owner': 'Organization root settings and reading client credentials',
} as const;

export type PlatformScope = keyof typeof platformScopes;

export const allPlatformScopes = Object.keys(platformScopes) as PlatformScope[];
