/**
 * The name a group shows for a member (RFC 7643 §4.2 `members.display`; seed "Identity SCIM v2"
 * shows the person's name, e.g. "Joe Bloggs"): the user's displayName, else name.formatted, else
 * given and family name, else the userName.
 */
export function memberDisplay(resource: Record<string, unknown>, userName: string): string {
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
  const member = (object: unknown, name: string): unknown => {
    if (typeof object !== 'object' || object === null) return undefined;
    return Object.entries(object).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  };
  const name = member(resource, 'name');
  const given = text(member(name, 'givenName'));
  const family = text(member(name, 'familyName'));
  return text(member(resource, 'displayName')) ?? text(member(name, 'formatted')) ?? ([given, family].filter(Boolean).join(' ') || userName);
}
