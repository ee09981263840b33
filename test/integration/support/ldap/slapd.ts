/**
 * A real OpenLDAP server for integration tests: Debian's `slapd` started from a temporary
 * slapd.conf on a free loopback port (mdb backend, the memberof overlay, ACLs under which
 * anonymous clients cannot read userPassword nor the tree), seeded with a small organization:
 *
 *   dc=example,dc=test
 *     ou=people   ada (CEO) ← grace (manager: ada) ← alan (manager: grace); linus (disabled)
 *     ou=groups   engineering (grace, alan), everyone (ada, linus, and the group engineering: nested)
 *
 * Start it with `startSlapd()`, stop it with `server.stop()`. `slapdAvailable()` says whether the
 * binaries are installed; `requireLdapServers()` decides between skipping (locally, with a message)
 * and failing (under CI, which installs them in .ci/run).
 *
 * Facts this relies on (../shared/NOTES.md): installed with the debconf preseed
 * `slapd slapd/no_configuration boolean true`, no system database is created and no daemon runs;
 * `slapd -d 0 -f conf -h ldap://127.0.0.1:PORT/` is ready in about 0.1 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { freePort } from '../../../../lib/local/engines.ts';

export const SLAPD_BINARY = '/usr/sbin/slapd';
const SCHEMA_DIR = '/etc/ldap/schema';
const MODULE_DIR = '/usr/lib/ldap';

export const SLAPD_BASE_DN = 'dc=example,dc=test';
export const SLAPD_ADMIN_DN = `cn=admin,${SLAPD_BASE_DN}`;
/** A read-only service account, as an operator would create for a connection. */
export const SLAPD_SERVICE_DN = `cn=sync-reader,ou=services,${SLAPD_BASE_DN}`;

export interface SlapdUser {
  uid: string;
  dn: string;
  givenName: string;
  sn: string;
  mail: string;
  employeeNumber: string;
  manager?: string;
  disabled?: boolean;
}

export interface SlapdServer {
  host: string;
  port: number;
  url: string;
  baseDn: string;
  adminDn: string;
  adminPassword: string;
  serviceDn: string;
  servicePassword: string;
  users: readonly SlapdUser[];
  groups: { engineering: string; everyone: string };
  /** The largest page a paged search may ask for (`size.pr`); a larger one is refused (result 11). */
  pageSizeLimit: number;
  /** A client bound as the admin, for tests that change the directory. Close it yourself. */
  adminClient: () => Promise<Client>;
  stop: () => Promise<void>;
}

/** Are slapd and the schema files installed on this machine? */
export function slapdAvailable(): boolean {
  return existsSync(SLAPD_BINARY) && existsSync(join(SCHEMA_DIR, 'inetorgperson.schema')) && existsSync(join(MODULE_DIR, 'back_mdb.so'));
}

const people = (base: string): SlapdUser[] => {
  const dn = (uid: string) => `uid=${uid},ou=people,${base}`;
  return [
    { uid: 'ada', dn: dn('ada'), givenName: 'Ada', sn: 'Lovelace', mail: 'ada@example.test', employeeNumber: '1001' },
    { uid: 'grace', dn: dn('grace'), givenName: 'Grace', sn: 'Hopper', mail: 'grace@example.test', employeeNumber: '1002', manager: dn('ada') },
    { uid: 'alan', dn: dn('alan'), givenName: 'Alan', sn: 'Turing', mail: 'alan@example.test', employeeNumber: '1003', manager: dn('grace') },
    { uid: 'linus', dn: dn('linus'), givenName: 'Linus', sn: 'Torvalds', mail: 'linus@example.test', employeeNumber: '1004', manager: dn('ada'), disabled: true },
  ];
};

function slapdConf(dir: string, rootPassword: string, pageSizeLimit: number, lastbind = false): string {
  return [
    `include ${SCHEMA_DIR}/core.schema`,
    `include ${SCHEMA_DIR}/cosine.schema`,
    `include ${SCHEMA_DIR}/inetorgperson.schema`,
    `include ${SCHEMA_DIR}/nis.schema`,
    `modulepath ${MODULE_DIR}`,
    'moduleload back_mdb',
    'moduleload memberof',
    `pidfile ${join(dir, 'slapd.pid')}`,
    `argsfile ${join(dir, 'slapd.args')}`,
    'database mdb',
    'maxsize 104857600',
    `suffix "${SLAPD_BASE_DN}"`,
    `rootdn "${SLAPD_ADMIN_DN}"`,
    `rootpw ${rootPassword}`,
    `directory ${join(dir, 'data')}`,
    'index objectClass eq',
    'index uid,mail eq',
    // lastbind: slapd keeps each entry's pwdLastSuccess (its last successful bind), as a directory records sign-ins.
    ...(lastbind ? ['lastbind on'] : []),
    // Paged searches: pages up to pageSizeLimit entries, any number of pages.
    `limits * size.soft=500 size.hard=unlimited size.pr=${pageSizeLimit} size.prtotal=unlimited`,
    'overlay memberof',
    'memberof-group-oc groupOfNames',
    'memberof-member-ad member',
    'memberof-memberof-ad memberOf',
    'memberof-refint true',
    // Passwords: only for authentication, never readable (not even by the service account).
    'access to attrs=userPassword by self write by anonymous auth by * none',
    // Everything else: readable by bound clients only.
    'access to * by users read by * none',
    '',
  ].join('\n');
}

/** The ACL above covers the database; the RootDSE and the schema are in the frontend. */
function frontendAcl(): string {
  return ['access to dn.base="" by * read', 'access to dn.base="cn=Subschema" by * read', ''].join('\n');
}

async function waitUntilReady(url: string, child: ChildProcess, stderr: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`slapd exited with ${child.exitCode}: ${stderr()}`);
    const client = new Client({ url, connectTimeout: 500, timeout: 1000 });
    try {
      await client.search('', { scope: 'base', attributes: ['namingContexts'] });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`slapd did not answer on ${url} within ${timeoutMs} ms: ${(error as Error).message}; ${stderr()}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }
}

/** Adds the base, the OUs, the service account, the users and the groups (ldapts, as the admin). */
async function seed(server: Omit<SlapdServer, 'stop' | 'adminClient'>): Promise<void> {
  const client = new Client({ url: server.url, timeout: 5000 });
  try {
    await client.bind(server.adminDn, server.adminPassword);
    await client.add(server.baseDn, { objectClass: ['top', 'dcObject', 'organization'], dc: 'example', o: 'Example' });
    for (const ou of ['people', 'groups', 'services']) await client.add(`ou=${ou},${server.baseDn}`, { objectClass: ['top', 'organizationalUnit'], ou });
    await client.add(server.serviceDn, { objectClass: ['top', 'person'], cn: 'sync-reader', sn: 'Service', userPassword: server.servicePassword });
    for (const user of server.users) {
      await client.add(user.dn, {
        objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
        uid: user.uid,
        cn: `${user.givenName} ${user.sn}`,
        givenName: user.givenName,
        sn: user.sn,
        mail: user.mail,
        employeeNumber: user.employeeNumber,
        // OpenLDAP has no disabled bit: a disabled account is conventionally marked in a field an
        // operator maps (here employeeType), and cannot sign in (its password is locked).
        employeeType: user.disabled ? 'disabled' : 'active',
        userPassword: user.disabled ? '{CRYPT}!locked' : `${user.uid}-password`,
        ...(user.manager ? { manager: user.manager } : {}),
      });
    }
    const uid = (name: string) => server.users.find((user) => user.uid === name)?.dn as string;
    await client.add(server.groups.engineering, { objectClass: ['top', 'groupOfNames'], cn: 'engineering', member: [uid('grace'), uid('alan')] });
    await client.add(server.groups.everyone, { objectClass: ['top', 'groupOfNames'], cn: 'everyone', member: [uid('ada'), uid('linus'), server.groups.engineering] });
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/**
 * Starts slapd on 127.0.0.1 and a free port from a fresh temporary directory, seeds it, and
 * returns how to reach it. `stop()` ends the process (SIGTERM, then SIGKILL after 3 s) and removes
 * the directory.
 */
export async function startSlapd(options: { pageSizeLimit?: number; lastbind?: boolean } = {}): Promise<SlapdServer> {
  if (!slapdAvailable()) throw new Error(`${SLAPD_BINARY} is not installed (apt-get install slapd ldap-utils; see .ci/run)`);
  const dir = mkdtempSync(join(tmpdir(), 'slapd-test-'));
  mkdirSync(join(dir, 'data'));
  const adminPassword = `admin-${Math.random().toString(36).slice(2)}`;
  const pageSizeLimit = options.pageSizeLimit ?? 500;
  writeFileSync(join(dir, 'slapd.conf'), `${frontendAcl()}${slapdConf(dir, adminPassword, pageSizeLimit, options.lastbind)}`);
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  let stderr = '';
  const child = spawn(SLAPD_BINARY, ['-d', '0', '-f', join(dir, 'slapd.conf'), '-h', `${url}/`], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(url, child, () => stderr);
    const base: Omit<SlapdServer, 'stop' | 'adminClient'> = {
      host: '127.0.0.1',
      port,
      url,
      baseDn: SLAPD_BASE_DN,
      adminDn: SLAPD_ADMIN_DN,
      adminPassword,
      serviceDn: SLAPD_SERVICE_DN,
      servicePassword: 'sync-reader-password',
      users: people(SLAPD_BASE_DN),
      groups: { engineering: `cn=engineering,ou=groups,${SLAPD_BASE_DN}`, everyone: `cn=everyone,ou=groups,${SLAPD_BASE_DN}` },
      pageSizeLimit,
    };
    await seed(base);
    return {
      ...base,
      adminClient: async () => {
        const client = new Client({ url, timeout: 5000 });
        await client.bind(SLAPD_ADMIN_DN, adminPassword);
        return client;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
