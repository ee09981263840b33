/**
 * What SCIM may see and change, as a rule over the one user record (seed "Identity SCIM v2"):
 * users an IdP provisioned, and users created at SAML sign-in (so the IdP's provisioning can later
 * find, update or deactivate them by userName). Local accounts (an organization's first Owner)
 * and accounts synchronised from LDAP or Active Directory belong to their own source: SCIM can
 * neither list nor change them, and their userNames stay reserved (409 on create).
 */
export function scimVisible(record: { source: string }): boolean {
  return record.source === 'scim' || record.source === 'saml-jit';
}
