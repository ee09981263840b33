/**
 * Person correlation (Directory API seed, "Persons (Identities)"): which person a user record —
 * an account of any source — belongs to, so one human's SCIM account, LDAP entry and Active
 * Directory account appear under one person.
 *
 * The rule is an ordered list of correlation attributes, read from the user record the same way
 * for every source: `employeeNumber` (enterprise extension; mapped from employeeNumber/employeeID
 * by sync), `email` (every email address, the primary one first; mapped from mail) and `userName`
 * (SCIM userName; uid or userPrincipalName by sync). Values are compared trimmed, Unicode-NFC and
 * lower-cased; values longer than 512 bytes take no part.
 *
 * - A user that has no person yet joins the person holding its FIRST key in rule order that any
 *   person holds; when none does, it founds a new person.
 * - Ambiguity (its employeeNumber is person A's, its email person B's): it joins the person of the
 *   first matching rule attribute (A), and keys held by another person stay with that person: two
 *   persons are never merged silently. The write's audit entry names the persons holding the keys
 *   left with others (`person.keysHeldByOtherPersons`).
 * - A linked user stays with its person when its attributes change later (no silent moves); it
 *   claims the new keys that are free and releases the ones it no longer has.
 * - Deleting a user removes its link and releases its keys; a person left with no users is deleted.
 *
 * Where the rule comes from: a sync project's `correlation` (default DEFAULT_CORRELATION) for the
 * users it writes, and the organization's `personCorrelation` (default ORGANIZATION_CORRELATION)
 * for SCIM-provisioned and SAML just-in-time users.
 *
 * A person shows the name, primary email and employee number of its summary user: the user that
 * founded it; when that user is deleted, the next of its users that joins or whose name, email or
 * keys change takes over.
 *
 * Cost per user write: nothing is scanned. A create reads the keys' holders (one strongly
 * consistent BatchGetItem) and writes the person or its count, the link and one item per key in
 * the user's own transaction; what happened goes into the user write's audit entry (SCIM, SAML) or
 * an entry of its own (`person.linked` / `person.unlinked`, sync runs). An update reads the user's link (one
 * GetItem); when its keys and summary are unchanged — the usual SCIM PATCH — it writes nothing
 * more. A delete reads the link, the key holders and the person, and writes their removal.
 */
import { randomUUID } from 'node:crypto';
import { auditStep, type AuditEvent, type RequestOrigin } from '../audit/audit-entry.ts';
import { ConcurrentChangeError } from '../errors/domain-errors.ts';
import { memberDisplay } from '../scim/member-display.ts';
import { TtlCache } from '../cache/ttl-cache.ts';
import * as organizations from '../storage/organizations.ts';
import * as persons from '../storage/persons.ts';
import type { PersonKeyRecord, PersonLinkRecord, PersonSummary } from '../storage/persons.ts';
import type { TransactionStep } from '../storage/transactions.ts';
import type { UserRecord } from '../storage/users.ts';

export const CORRELATION_ATTRIBUTES = ['employeeNumber', 'email', 'userName'] as const;
export type CorrelationAttribute = (typeof CORRELATION_ATTRIBUTES)[number];

/** A sync project's rule unless it names its own: employeeNumber, then email, then userName. */
export const DEFAULT_CORRELATION: readonly CorrelationAttribute[] = ['employeeNumber', 'email', 'userName'];
/** The organization-wide rule for users that come through no sync project (SCIM, SAML just-in-time), unless the organization sets its own. */
export const ORGANIZATION_CORRELATION: readonly CorrelationAttribute[] = DEFAULT_CORRELATION;

/** An organization's rule changes rarely: a warm function re-reads it at most once a minute. */
const organizationRules = new TtlCache<readonly CorrelationAttribute[]>(60_000);

/**
 * The organization-wide rule (`personCorrelation`, set with PATCH /api/identity/v1/organizations/{id};
 * default ORGANIZATION_CORRELATION) for SCIM-provisioned and SAML just-in-time users: one
 * projected GetItem, cached per process for 60 s, so a change applies within a minute.
 */
export function organizationCorrelation(organizationId: string): Promise<readonly CorrelationAttribute[]> {
  return organizationRules.getOrLoad(organizationId, async () => {
    const known = new Set<string>(CORRELATION_ATTRIBUTES);
    const stored = (await organizations.personCorrelationOf(organizationId))?.filter((name) => known.has(name)) as CorrelationAttribute[] | undefined;
    return stored && stored.length > 0 ? stored : ORGANIZATION_CORRELATION;
  });
}

/** Correlation values longer than this (UTF-8 bytes) are not used: they become part of a key. */
export const MAX_CORRELATION_VALUE_BYTES = 512;
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export interface CorrelationKey {
  attribute: CorrelationAttribute;
  value: string;
}

/** The key's text form, as a link stores the keys its user holds. */
export function keyId(key: { attribute: string; value: string }): string {
  return `${key.attribute}#${key.value}`;
}

function parseKeyId(id: string): CorrelationKey {
  const at = id.indexOf('#');
  return { attribute: id.slice(0, at) as CorrelationAttribute, value: id.slice(at + 1) };
}

function member(object: unknown, name: string): unknown {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return undefined;
  const lower = name.toLowerCase();
  return Object.entries(object).find(([key]) => key.toLowerCase() === lower)?.[1];
}

/** How values compare: trimmed, NFC, lower-cased; undefined when empty or too long to be a key. */
export function normalizeCorrelationValue(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const normalized = String(value).trim().normalize('NFC').toLowerCase();
  if (normalized === '' || Buffer.byteLength(normalized, 'utf8') > MAX_CORRELATION_VALUE_BYTES) return undefined;
  return normalized;
}

function emailValues(resource: Record<string, unknown>): unknown[] {
  const emails = member(resource, 'emails');
  if (!Array.isArray(emails)) return [];
  const primary = (entry: unknown) => {
    const flag = member(entry, 'primary');
    return flag === true || flag === 'true';
  };
  return [...emails.filter(primary), ...emails.filter((entry) => !primary(entry))].map((entry) => member(entry, 'value'));
}

/** A user's correlation keys, in rule order (several emails: the primary one first); no duplicates. */
export function correlationKeys(record: Pick<UserRecord, 'userName' | 'resource'>, rule: readonly CorrelationAttribute[]): CorrelationKey[] {
  const result: CorrelationKey[] = [];
  const seen = new Set<string>();
  for (const attribute of rule) {
    const raw =
      attribute === 'employeeNumber' ? [member(member(record.resource, ENTERPRISE), 'employeeNumber')] : attribute === 'email' ? emailValues(record.resource) : [record.userName];
    for (const candidate of raw) {
      const value = normalizeCorrelationValue(candidate);
      if (value === undefined) continue;
      const key = { attribute, value };
      if (seen.has(keyId(key))) continue;
      seen.add(keyId(key));
      result.push(key);
    }
  }
  return result;
}

/** What a person shows of its summary user (the one that founded it, until it leaves): name, primary email, employee number. */
export function personSummary(record: Pick<UserRecord, 'userName' | 'resource'>): PersonSummary {
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
  const email = emailValues(record.resource).map(text).find((value) => value !== undefined);
  const employeeNumber = text(member(member(record.resource, ENTERPRISE), 'employeeNumber'));
  return { displayName: memberDisplay(record.resource, record.userName), ...(email ? { email } : {}), ...(employeeNumber ? { employeeNumber } : {}) };
}

/** What one user write does to persons: pure, decided from what was read. */
export interface CorrelationPlan {
  personId: string;
  /** The user founds a new person. */
  createPerson: boolean;
  /** The user had no link and gets one. */
  newLink: boolean;
  /** The key (`attribute#value`) that made the link, when the user joined an existing person. */
  matchedOn?: string | undefined;
  /** Keys to add this user to (free, or already its person's). */
  claim: CorrelationKey[];
  /** Keys this user held and no longer has, with how many users held each as read. */
  release: { key: CorrelationKey; holders: number }[];
  /** Keys of this user held by another person: left there (never a silent merge). */
  conflicts: { key: string; personId: string }[];
  /** Every key the user holds after the write. */
  heldAfter: string[];
}

/**
 * Decides a user's person from its keys after the write (`keys`, rule order), its current link
 * and the holders of the keys involved. `newPersonId` is used when the user founds a person.
 */
export function planCorrelation(input: { userId: string; keys: readonly CorrelationKey[]; link: PersonLinkRecord | undefined; owners: readonly PersonKeyRecord[]; newPersonId: string }): CorrelationPlan {
  const owners = new Map(input.owners.map((owner) => [keyId(owner), owner]));
  let personId = input.link?.personId;
  let matchedOn: string | undefined;
  if (personId === undefined) {
    for (const key of input.keys) {
      const owner = owners.get(keyId(key));
      if (owner && owner.userIds.some((userId) => userId !== input.userId)) {
        personId = owner.personId;
        matchedOn = keyId(key);
        break;
      }
    }
  }
  const createPerson = personId === undefined;
  const person = personId ?? input.newPersonId;
  const held = new Set(input.link?.keys ?? []);
  const wanted = new Set(input.keys.map(keyId));
  const claim: CorrelationKey[] = [];
  const conflicts: { key: string; personId: string }[] = [];
  const heldAfter: string[] = [];
  for (const key of input.keys) {
    const id = keyId(key);
    const owner = owners.get(id);
    if (owner && owner.personId !== person && owner.userIds.some((userId) => userId !== input.userId)) {
      conflicts.push({ key: id, personId: owner.personId });
      continue;
    }
    heldAfter.push(id);
    if (!held.has(id) || !owner?.userIds.includes(input.userId)) claim.push(key);
  }
  const release = [...held]
    .filter((id) => !wanted.has(id))
    .flatMap((id) => {
      const owner = owners.get(id);
      return owner && owner.personId === person && owner.userIds.includes(input.userId) ? [{ key: parseKeyId(id), holders: owner.userIds.length }] : [];
    });
  return { personId: person, createPerson, newLink: input.link === undefined, ...(matchedOn ? { matchedOn } : {}), claim, release, conflicts, heldAfter };
}

/** Who causes a person change: the user write's own actor and origin. */
export interface CorrelationAudit {
  actor: AuditEvent['actor'];
  origin: RequestOrigin;
  /** Extra audit details (a sync run id). */
  details?: Record<string, unknown> | undefined;
}

const concurrent = () => new ConcurrentChangeError('A person of this user was changed concurrently; retry.');

function sameSummary(a: PersonSummary, b: PersonSummary): boolean {
  return a.displayName === b.displayName && a.email === b.email && a.employeeNumber === b.employeeNumber;
}

/** What a user write did to persons, for its audit entry; undefined when its person link did not change. */
export type PersonAuditDetails =
  | { personId: string; personCreated: boolean; matchedOn: string | null; keysHeldByOtherPersons: string[] }
  | { personId: string; personUnlinked: true; personDeleted: boolean };

/** The person steps of one user write and what to say about them in its audit entry. */
export interface PersonChange {
  steps: TransactionStep[];
  details: PersonAuditDetails | undefined;
}

/**
 * The steps that keep persons in line with one user write, for the write's own transaction:
 * `before` undefined for a create, `after` undefined for a delete. Reads what it decides on
 * (see the module's cost note); returns no steps when nothing about the user's person changes.
 * The caller adds `details` to the write's own audit entry (under `person`), so a SCIM request
 * still writes exactly one entry.
 *
 * @throws nothing itself; the steps fail with ConcurrentChangeError when a person, link or key
 *   changed between the read and the write (callers retry or record the error).
 */
export async function personChange(
  organizationId: string,
  change: { before: UserRecord | undefined; after: UserRecord | undefined; rule: readonly CorrelationAttribute[] },
  now = new Date().toISOString(),
): Promise<PersonChange> {
  const { before, after } = change;
  const userId = (after ?? before)?.id;
  if (userId === undefined) return { steps: [], details: undefined };
  if (after === undefined) return unlinkChange(organizationId, userId, now);
  const keys = correlationKeys(after, change.rule);
  const link = before ? await persons.linkOf(organizationId, userId) : undefined;
  const summary = personSummary(after);
  const keysSame = link !== undefined && link.keys.length === keys.length && keys.every((key) => link.keys.includes(keyId(key)));
  if (keysSame && before && sameSummary(personSummary(before), summary)) return { steps: [], details: undefined };
  const involved = new Map<string, CorrelationKey>(keys.map((key) => [keyId(key), key]));
  for (const id of link?.keys ?? []) involved.set(id, parseKeyId(id));
  const owners = await persons.keyOwners(organizationId, [...involved.values()]);
  const plan = planCorrelation({ userId, keys, link, owners, newPersonId: randomUUID() });
  const steps: TransactionStep[] = [];
  if (plan.createPerson) {
    steps.push(persons.createStep({ id: plan.personId, organizationId, ...summary, summaryUserId: userId, objectCount: 1, createdAt: now, updatedAt: now }, concurrent));
  } else {
    // The person shows its summary user's data; a user that joins, or changes, takes over only when it has none.
    const person = await persons.byId(organizationId, plan.personId);
    const shows = person !== undefined && (person.summaryUserId === undefined || person.summaryUserId === userId);
    const summaryChange = shows && (plan.newLink || !before || !sameSummary(personSummary(before), summary) || person.summaryUserId === undefined);
    if (plan.newLink || summaryChange) {
      steps.push(persons.updateStep(organizationId, plan.personId, { ...(summaryChange ? { summary: { ...summary, summaryUserId: userId } } : {}), delta: plan.newLink ? 1 : 0, now }, concurrent));
    }
  }
  const keysChanged = plan.newLink || plan.claim.length > 0 || plan.release.length > 0 || link?.keys.length !== plan.heldAfter.length;
  if (keysChanged) {
    const record: PersonLinkRecord = {
      organizationId,
      userId,
      personId: plan.personId,
      keys: plan.heldAfter,
      ...((plan.matchedOn ?? link?.matchedOn) ? { matchedOn: plan.matchedOn ?? link?.matchedOn } : {}),
      linkedAt: link?.linkedAt ?? now,
    };
    steps.push(persons.linkPutStep(record, link?.personId, concurrent));
  }
  for (const key of plan.claim) steps.push(persons.keyClaimStep(organizationId, key, plan.personId, userId, concurrent));
  for (const { key, holders } of plan.release) steps.push(persons.keyReleaseStep(organizationId, key, userId, holders, concurrent));
  const details: PersonAuditDetails | undefined = plan.newLink
    ? { personId: plan.personId, personCreated: plan.createPerson, matchedOn: plan.matchedOn?.split('#')[0] ?? null, keysHeldByOtherPersons: plan.conflicts.map((conflict) => conflict.personId) }
    : undefined;
  return { steps, details };
}

async function unlinkChange(organizationId: string, userId: string, now: string): Promise<PersonChange> {
  const link = await persons.linkOf(organizationId, userId);
  if (!link) return { steps: [], details: undefined };
  const [owners, person] = await Promise.all([persons.keyOwners(organizationId, link.keys.map(parseKeyId)), persons.byId(organizationId, link.personId)]);
  const steps: TransactionStep[] = [persons.linkDeleteStep(organizationId, userId, link.personId, concurrent)];
  for (const owner of owners) {
    if (owner.personId === link.personId && owner.userIds.includes(userId)) steps.push(persons.keyReleaseStep(organizationId, owner, userId, owner.userIds.length, concurrent));
  }
  const last = person === undefined || person.objectCount <= 1;
  if (person) {
    steps.push(
      last
        ? persons.deleteStep(organizationId, link.personId, concurrent)
        : persons.updateStep(organizationId, link.personId, { delta: -1, now, dropSummaryUser: person.summaryUserId === userId }, concurrent),
    );
  }
  return { steps, details: { personId: link.personId, personUnlinked: true, personDeleted: last } };
}

/**
 * personChange with an audit entry of its own (`person.linked` / `person.unlinked`, target the
 * person, actor and origin of the write) in the same transaction: for writers that record
 * several entries per change anyway (a sync run), rather than folding the details into theirs.
 */
export async function personSteps(
  organizationId: string,
  change: { before: UserRecord | undefined; after: UserRecord | undefined; rule: readonly CorrelationAttribute[] },
  audit: CorrelationAudit,
  now = new Date().toISOString(),
): Promise<TransactionStep[]> {
  const { steps, details } = await personChange(organizationId, change, now);
  if (!details) return steps;
  const userId = (change.after ?? change.before)?.id;
  const { personId, ...rest } = details;
  return [
    ...steps,
    auditStep({
      organizationId,
      action: 'personUnlinked' in details ? 'person.unlinked' : 'person.linked',
      actor: audit.actor,
      origin: audit.origin,
      target: { type: 'person', id: personId },
      details: { ...audit.details, userId, ...rest },
    }),
  ];
}
