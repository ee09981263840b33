import type { PlatformScope } from './scopes.ts';

export interface BuiltInRole {
  id: string;
  name: string;
  description: string;
  scopes: readonly PlatformScope[];
}

/**
 * The platform's built-in roles, from widest to narrowest. Their ids are fixed names (custom
 * roles get UUIDs), so they can never collide.
 */
export const builtInRoles: readonly BuiltInRole[] = [
  {
    id: 'owner',
    name: 'Owner',
    description: 'Everything, including organization root settings and reading client credentials.',
    scopes: ['scim:read', 'scim:write', 'directory:read', 'directory:write', 'audit:read', 'governance:read', 'governance:write', 'identity:read', 'identity:admin', 'organization:owner'],
  },
  {
    id: 'administrator',
    name: 'Administrator',
    description: 'Users, teams, roles, clients and audit logs; not root settings or client credentials.',
    scopes: ['scim:read', 'scim:write', 'directory:read', 'directory:write', 'audit:read', 'governance:read', 'governance:write', 'identity:read', 'identity:admin'],
  },
  {
    id: 'security-manager',
    name: 'Security Manager',
    description: 'Manages the directory and reviews access; reads identity configuration and the audit log.',
    scopes: ['scim:read', 'directory:read', 'directory:write', 'audit:read', 'governance:read', 'governance:write', 'identity:read'],
  },
  {
    id: 'security-analyst',
    name: 'Security Analyst',
    description: 'Investigates: reads the directory, identity configuration and the audit log.',
    scopes: ['directory:read', 'audit:read', 'governance:read', 'identity:read'],
  },
  {
    id: 'viewer',
    name: 'Viewer',
    description: 'Reads the directory and identity configuration.',
    scopes: ['directory:read', 'identity:read'],
  },
];

export function builtInRole(id: string): BuiltInRole | undefined {
  return builtInRoles.find((role) => role.id === id);
}
