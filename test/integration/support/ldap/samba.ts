/**
 * A real Active Directory domain controller for integration tests: Samba's AD DC (Debian's
 * `samba` package), per ../shared/NOTES.md.
 *
 * - Provisioning takes 8–12 s, so it happens once into a template directory cached under the OS
 *   temp dir, keyed by TEMPLATE_VERSION and the installed Samba version. The template is started
 *   once (which generates the DC's self-signed TLS certificate under private/tls) and seeded with
 *   samba-tool (users, groups, a nested group, a disabled account) and a manager chain (LDAPS).
 * - Each run copies the template (`cp -a`), rewrites the paths and the listening address in its
 *   smb.conf, and starts `samba -i -M single` on its own loopback address 127.0.0.N (AD's ports
 *   389/636/3268/3269 are fixed, so parallel instances need their own address), then waits for
 *   LDAPS. From a warm template a start takes about 1–2 s.
 * - `stop()` sends SIGTERM (SIGKILL after 5 s) and removes the copy. `--maximum-runtime` ends a
 *   DC whose test run died.
 *
 * Simple binds work over LDAPS (636) and StartTLS; plain 389 refuses them ("Strong(er)
 * authentication required"). The certificate names `DC1.example.test`, not the address: trust it
 * with `caCertificate` (the `caPem` below) and verify it as `tlsServerName: server.tlsServerName`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Change, Attribute, Client } from 'ldapts';

const run = promisify(execFile);

export const SAMBA_BINARY = '/usr/sbin/samba';
export const SAMBA_TOOL = '/usr/bin/samba-tool';
/** Bump when the template's contents change (provision options, seed data). */
const TEMPLATE_VERSION = 'ad-template-v1';

export const AD_REALM = 'EXAMPLE.TEST';
export const AD_DOMAIN = 'EXAMPLE';
export const AD_BASE_DN = 'DC=example,DC=test';
export const AD_HOST_NAME = 'dc1';
export const AD_ADMIN_PASSWORD = 'Adm1n-Passw0rd!';
/** Loopback address the template is provisioned and seeded on; copies get their own. */
const TEMPLATE_ADDRESS = '127.0.0.200';

export interface AdUser {
  sAMAccountName: string;
  givenName: string;
  surname: string;
  mail: string;
  department: string;
  password: string;
  /** sAMAccountName of the manager. */
  manager?: string;
  disabled?: boolean;
}

/** The seed: a manager chain (carol ← dave ← erin), a disabled account (frank). */
export const AD_USERS: readonly AdUser[] = [
  { sAMAccountName: 'carol', givenName: 'Carol', surname: 'Shaw', mail: 'carol@example.test', department: 'Executive', password: 'Car0l-Passw0rd!' },
  { sAMAccountName: 'dave', givenName: 'Dave', surname: 'Cutler', mail: 'dave@example.test', department: 'Engineering', password: 'Dav3-Passw0rd!', manager: 'carol' },
  { sAMAccountName: 'erin', givenName: 'Erin', surname: 'Catto', mail: 'erin@example.test', department: 'Engineering', password: 'Er1n-Passw0rd!', manager: 'dave' },
  { sAMAccountName: 'frank', givenName: 'Frank', surname: 'Allen', mail: 'frank@example.test', department: 'Sales', password: 'Fr4nk-Passw0rd!', manager: 'carol', disabled: true },
];
/** Groups: `Everyone Staff` contains `Engineers` (nested). */
export const AD_GROUPS = { engineers: 'Engineers', everyone: 'Everyone Staff' } as const;

export interface SambaDc {
  /** The loopback address it listens on (127.0.0.N). */
  host: string;
  ldapsPort: 636;
  ldapPort: 389;
  baseDn: string;
  realm: string;
  /** The name its certificate carries. */
  tlsServerName: string;
  /** PEM of the CA that issued its LDAPS certificate (private/tls/ca.pem). */
  caPem: string;
  /** Administrator's userPrincipalName and password (simple bind over LDAPS). */
  adminUpn: string;
  adminPassword: string;
  users: readonly AdUser[];
  groups: typeof AD_GROUPS;
  /** A client bound as Administrator over LDAPS (certificate verified). Close it yourself. */
  adminClient: () => Promise<Client>;
  stop: () => Promise<void>;
}

/** Are samba and samba-tool installed on this machine? */
export function sambaAvailable(): boolean {
  return existsSync(SAMBA_BINARY) && existsSync(SAMBA_TOOL);
}

async function sambaVersion(): Promise<string> {
  const { stdout } = await run(SAMBA_BINARY, ['--version']);
  return stdout.trim().replace(/[^A-Za-z0-9.-]+/g, '_');
}

/** Can we listen on `address:port`? (Samba's ports are fixed, so an address must be free on all of them.) */
function portFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: address, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function freeLoopbackAddress(): Promise<string> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const address = `127.0.0.${100 + Math.floor(Math.random() * 99)}`;
    const free = await Promise.all([389, 636, 3268, 3269].map((port) => portFree(address, port)));
    if (free.every(Boolean)) return address;
  }
  throw new Error('No free loopback address 127.0.0.100–198 for a Samba DC');
}

/** smb.conf options that keep everything of the DC under its own directory and on its own address. */
function privateOptions(dir: string, address: string): Record<string, string> {
  return {
    interfaces: `${address}/8`,
    'bind interfaces only': 'yes',
    'server services': 'ldap',
    'log file': join(dir, 'log.%m'),
    'pid directory': join(dir, 'run'),
    'ncalrpc dir': join(dir, 'ncalrpc'),
    'winbindd socket directory': join(dir, 'winbindd'),
    'ntp signd socket directory': join(dir, 'ntp_signd'),
    'lock directory': join(dir, 'lock'),
    'state directory': join(dir, 'state'),
    'cache directory': join(dir, 'cache'),
  };
}

/** Rewrites smb.conf: every path from `from` to `to`, the address, and the private options (re)applied in [global]. */
function writeSmbConf(dir: string, previousDir: string | undefined, address: string): void {
  const file = join(dir, 'etc', 'smb.conf');
  let text = readFileSync(file, 'utf8');
  if (previousDir) text = text.split(previousDir).join(dir);
  const options = privateOptions(dir, address);
  const lines = text.split('\n').filter((line) => {
    const name = line.split('=')[0]?.trim().toLowerCase();
    return !(name && name in options);
  });
  const globalIndex = lines.findIndex((line) => line.trim().toLowerCase() === '[global]');
  lines.splice(globalIndex + 1, 0, ...Object.entries(options).map(([name, value]) => `\t${name} = ${value}`));
  writeFileSync(file, lines.join('\n'));
  for (const sub of ['run', 'ncalrpc', 'winbindd', 'ntp_signd', 'lock', 'state', 'cache']) mkdirSync(join(dir, sub), { recursive: true });
}

interface Running {
  child: ChildProcess;
  stop: () => Promise<void>;
}

function startProcess(dir: string, maximumRuntimeSeconds: number): Running {
  let output = '';
  const child = spawn(SAMBA_BINARY, ['-i', '-M', 'single', '-s', join(dir, 'etc', 'smb.conf'), `--maximum-runtime=${maximumRuntimeSeconds}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  (child as ChildProcess & { output: () => string }).output = () => output;
  return {
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function ldapsClient(address: string, caPem: string | undefined): Promise<Client> {
  return new Client({
    url: `ldaps://${address}:636`,
    connectTimeout: 2000,
    timeout: 10_000,
    tlsOptions: caPem ? { ca: caPem, servername: `${AD_HOST_NAME}.${AD_REALM.toLowerCase()}`, checkServerIdentity: () => undefined } : { rejectUnauthorized: false },
  });
}

/** Waits until an Administrator bind over LDAPS succeeds. */
async function waitForLdaps(address: string, running: Running, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (running.child.exitCode !== null) throw new Error(`samba exited with ${running.child.exitCode}: ${(running.child as ChildProcess & { output: () => string }).output()}`);
    const client = await ldapsClient(address, undefined);
    try {
      await client.bind(`Administrator@${AD_REALM.toLowerCase()}`, AD_ADMIN_PASSWORD);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Samba's LDAPS did not answer on ${address}:636 within ${timeoutMs} ms: ${(error as Error).message}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }
}

async function sambaTool(dir: string, args: string[]): Promise<void> {
  await run(SAMBA_TOOL, [...args, '-s', join(dir, 'etc', 'smb.conf')], { timeout: 60_000 });
}

/** Provisions a DC into `dir`, starts it once (TLS keys) and seeds it. */
async function buildTemplate(dir: string): Promise<void> {
  const options = privateOptions(dir, TEMPLATE_ADDRESS);
  await run(
    SAMBA_TOOL,
    [
      'domain',
      'provision',
      `--realm=${AD_REALM}`,
      `--domain=${AD_DOMAIN}`,
      `--host-name=${AD_HOST_NAME}`,
      '--server-role=dc',
      '--dns-backend=NONE',
      `--adminpass=${AD_ADMIN_PASSWORD}`,
      `--targetdir=${dir}`,
      ...Object.entries(options).map(([name, value]) => `--option=${name}=${value}`),
    ],
    { timeout: 120_000 },
  );
  writeSmbConf(dir, undefined, TEMPLATE_ADDRESS);
  // Seed with samba-tool against the DC's own database (no network, no Kerberos).
  for (const user of AD_USERS) {
    await sambaTool(dir, [
      'user', 'create', user.sAMAccountName, user.password,
      `--given-name=${user.givenName}`, `--surname=${user.surname}`, `--mail-address=${user.mail}`, `--department=${user.department}`,
      `--userou=CN=Users`,
    ]);
    if (user.disabled) await sambaTool(dir, ['user', 'disable', user.sAMAccountName]);
  }
  await sambaTool(dir, ['group', 'add', AD_GROUPS.engineers]);
  await sambaTool(dir, ['group', 'add', AD_GROUPS.everyone]);
  await sambaTool(dir, ['group', 'addmembers', AD_GROUPS.engineers, 'dave,erin']);
  await sambaTool(dir, ['group', 'addmembers', AD_GROUPS.everyone, `carol,frank,${AD_GROUPS.engineers}`]);
  // Start once: Samba generates its TLS key and certificate; the manager chain goes in over LDAPS.
  const running = startProcess(dir, 300);
  try {
    await waitForLdaps(TEMPLATE_ADDRESS, running, 60_000);
    const client = await ldapsClient(TEMPLATE_ADDRESS, undefined);
    try {
      await client.bind(`Administrator@${AD_REALM.toLowerCase()}`, AD_ADMIN_PASSWORD);
      for (const user of AD_USERS.filter((candidate) => candidate.manager)) {
        const manager = AD_USERS.find((candidate) => candidate.sAMAccountName === user.manager) as AdUser;
        await client.modify(`CN=${user.givenName} ${user.surname},CN=Users,${AD_BASE_DN}`, new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'manager', values: [`CN=${manager.givenName} ${manager.surname},CN=Users,${AD_BASE_DN}`] }),
        }));
      }
    } finally {
      await client.unbind().catch(() => undefined);
    }
  } finally {
    await running.stop();
  }
  if (!existsSync(join(dir, 'private', 'tls', 'ca.pem'))) throw new Error('Samba generated no TLS CA under private/tls');
}

/** The cached template's directory, provisioning it first when absent (safe against concurrent runs). */
export async function sambaTemplate(): Promise<string> {
  const template = join(tmpdir(), `samba-${TEMPLATE_VERSION}-${await sambaVersion()}`);
  if (existsSync(join(template, 'READY'))) return template;
  const building = `${template}.building-${process.pid}-${Date.now()}`;
  try {
    await buildTemplate(building);
    writeFileSync(join(building, 'READY'), new Date().toISOString());
    try {
      renameSync(building, template);
    } catch {
      // Another run finished first: use its template.
      if (!existsSync(join(template, 'READY'))) throw new Error(`Could not install the Samba template at ${template}`);
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  // The template's smb.conf names `building`; copies rewrite it (see startSambaDc).
  return template;
}

/** Starts a Samba AD DC copied from the template on a free loopback address. */
export async function startSambaDc(options: { maximumRuntimeSeconds?: number } = {}): Promise<SambaDc> {
  if (!sambaAvailable()) throw new Error(`${SAMBA_BINARY} is not installed (apt-get install samba ldap-utils; see .ci/run)`);
  const template = await sambaTemplate();
  const templateDir = readFileSync(join(template, 'etc', 'smb.conf'), 'utf8').match(/pid directory = (.*)\/run\s*$/m)?.[1];
  const address = await freeLoopbackAddress();
  const dir = join(tmpdir(), `samba-dc-${process.pid}-${Date.now()}`);
  // Sockets (private/ldapi, …) belong to the template's last run: Samba recreates them.
  cpSync(template, dir, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true, filter: (source) => !lstatSync(source).isSocket() });
  writeSmbConf(dir, templateDir, address);
  const running = startProcess(dir, options.maximumRuntimeSeconds ?? 1800);
  const stop = async () => {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForLdaps(address, running, 30_000);
    const caPem = readFileSync(join(dir, 'private', 'tls', 'ca.pem'), 'utf8');
    const tlsServerName = `${AD_HOST_NAME}.${AD_REALM.toLowerCase()}`;
    return {
      host: address,
      ldapsPort: 636,
      ldapPort: 389,
      baseDn: AD_BASE_DN,
      realm: AD_REALM,
      tlsServerName,
      caPem,
      adminUpn: `Administrator@${AD_REALM.toLowerCase()}`,
      adminPassword: AD_ADMIN_PASSWORD,
      users: AD_USERS,
      groups: AD_GROUPS,
      adminClient: async () => {
        const client = new Client({ url: `ldaps://${address}:636`, timeout: 10_000, tlsOptions: { ca: caPem, servername: tlsServerName } });
        await client.bind(`Administrator@${AD_REALM.toLowerCase()}`, AD_ADMIN_PASSWORD);
        return client;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
