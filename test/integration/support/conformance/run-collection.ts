import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isIP } from 'node:net';
import { Agent as HttpAgent, type ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Runs Microsoft's SCIM reference "SCIM Tests" Postman collection with newman against the local
 * runtime and collects one record per executed request and per executed assertion.
 *
 * The collection is not part of the repository: it is published with Microsoft's SCIM reference
 * implementation (AzureAD/SCIMReferenceCode, MIT licence). It is read from
 * `SCIM_CONFORMANCE_COLLECTION` when set, else from the workplace's shared folder beside the
 * repository (`../shared/conformance/…`). See {@link collectionAvailability}.
 */
export const DEFAULT_COLLECTION_PATH = fileURLToPath(
  new URL('../../../../../shared/conformance/microsoft-scim-reference-tests.postman_collection.json', import.meta.url),
);
export const COLLECTION_PATH = process.env.SCIM_CONFORMANCE_COLLECTION ? resolvePath(process.env.SCIM_CONFORMANCE_COLLECTION) : DEFAULT_COLLECTION_PATH;

/** Where to get the collection and where to put it, for skip and failure messages. */
export const COLLECTION_HINT =
  `put Microsoft's "SCIM Tests" Postman collection (published with its SCIM reference implementation, github.com/AzureAD/SCIMReferenceCode) at ${COLLECTION_PATH}` +
  ' or point SCIM_CONFORMANCE_COLLECTION at it';

/**
 * Whether the conformance run can and must happen here: a clone of the repository alone has no
 * collection (it lives outside the repository) and skips the test with a message, in CI too; a
 * pipeline that provides the collection and wants its absence to fail sets
 * `SCIM_CONFORMANCE_REQUIRED=true`.
 */
export function collectionAvailability(environment: NodeJS.ProcessEnv = process.env): { present: boolean; required: boolean } {
  return { present: existsSync(COLLECTION_PATH), required: environment.SCIM_CONFORMANCE_REQUIRED === 'true' };
}
/** The folder that fetches a token from Microsoft's own /Token endpoint: replaced by a client-credentials token. */
export const TOKEN_FOLDER = 'Get Token';
/** Every request URL of the collection starts with this template; the variables pin it to the local runtime. */
export const URL_PREFIX = '{{Protocol}}://{{Server}}{{Port}}/{{Api}}/';
/** Folder name given to requests that sit at the collection's top level. */
export const ROOT_FOLDER = '(collection root)';

// ---- Postman collection v2.1 (just what is read or written here) ----

interface PostmanScript {
  exec?: string[] | string;
}
interface PostmanEvent {
  listen: string;
  disabled?: boolean;
  script?: PostmanScript;
}
interface PostmanRequest {
  method?: string;
  url?: string | { raw?: string };
}
export interface PostmanItem {
  id?: string;
  name: string;
  item?: PostmanItem[];
  request?: PostmanRequest;
  event?: PostmanEvent[];
  [key: string]: unknown;
}
export interface PostmanCollection {
  info: { name: string; [key: string]: unknown };
  item: PostmanItem[];
  auth?: unknown;
  [key: string]: unknown;
}

/** Where a request sits: its folder, its name, and which occurrence of that name in the folder it is (from 1). */
export interface RequestKey {
  folder: string;
  request: string;
  occurrence: number;
}

export interface AssertionResult extends RequestKey {
  assertion: string;
  passed: boolean;
  skipped: boolean;
  error?: string;
}

export interface RequestRecord extends RequestKey {
  method?: string;
  url?: string;
  requestBody?: string;
  status?: number;
  responseBody?: string;
  transportError?: string;
  scriptErrors: string[];
  assertions: AssertionResult[];
}

export interface CollectionRun {
  requests: RequestRecord[];
  assertions: AssertionResult[];
  /** newman's own counters, for cross-checking the per-assertion records. */
  stats: { requests: { total: number; failed: number }; assertions: { total: number; failed: number }; testScripts: { total: number; failed: number } };
  /** Every host newman connected to or tried to connect to. */
  hosts: string[];
  /** Connections the loopback-only agent refused. */
  refusedHosts: string[];
}

export function loadCollection(path = COLLECTION_PATH): PostmanCollection {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`SCIM conformance collection not found at ${path}: ${COLLECTION_HINT}`, { cause: error });
  }
  return JSON.parse(text) as PostmanCollection;
}

function isFolder(item: PostmanItem): boolean {
  return Array.isArray(item.item);
}

function scriptText(script: PostmanScript | undefined): string {
  const exec = script?.exec ?? [];
  return Array.isArray(exec) ? exec.join('\n') : exec;
}

/** How many `pm.test(...)` assertions a test script declares (line comments ignored). */
export function assertionsDeclared(item: PostmanItem): number {
  let count = 0;
  for (const event of item.event ?? []) {
    if (event.listen !== 'test' || event.disabled) continue;
    const code = scriptText(event.script)
      .split('\n')
      .map((line) => line.replace(/^\s*\/\/.*$/, ''))
      .join('\n');
    count += (code.match(/\bpm\.test\s*\(/g) ?? []).length + (code.match(/\btests\s*\[/g) ?? []).length;
  }
  return count;
}

/** Every request of the collection (depth first, collection order) with its folder and occurrence. */
export function requestsOf(collection: PostmanCollection): Array<RequestKey & { item: PostmanItem }> {
  const seen = new Map<string, number>();
  const out: Array<RequestKey & { item: PostmanItem }> = [];
  const walk = (items: PostmanItem[], folder: string): void => {
    for (const item of items) {
      if (isFolder(item)) {
        walk(item.item ?? [], item.name);
        continue;
      }
      const key = `${folder}\u0000${item.name}`;
      const occurrence = (seen.get(key) ?? 0) + 1;
      seen.set(key, occurrence);
      out.push({ folder, request: item.name, occurrence, item });
    }
  };
  walk(collection.item, ROOT_FOLDER);
  return out;
}

export function rawUrl(item: PostmanItem): string {
  const url = item.request?.url;
  return typeof url === 'string' ? url : (url?.raw ?? '');
}

/**
 * The collection as it is run here: without the Get Token folder, with collection-level bearer auth
 * from the `token` variable, and with a stable id on every request so that results map back to it.
 */
export function prepareCollection(original: PostmanCollection): { collection: PostmanCollection; keys: Map<string, RequestKey> } {
  const collection = structuredClone(original);
  const before = collection.item.length;
  collection.item = collection.item.filter((item) => !(isFolder(item) && item.name === TOKEN_FOLDER));
  if (collection.item.length !== before - 1) throw new Error(`expected exactly one "${TOKEN_FOLDER}" folder in the collection`);
  collection.auth = { type: 'bearer', bearer: [{ key: 'token', value: '{{token}}', type: 'string' }] };

  const keys = new Map<string, RequestKey>();
  requestsOf(collection).forEach(({ item, ...key }, index) => {
    const id = `scim-conformance-${String(index + 1).padStart(3, '0')}`;
    item.id = id;
    keys.set(id, key);
  });
  return { collection, keys };
}

/** Counts of the original collection: all of it, and what remains once the Get Token folder is dropped. */
export function declaredCounts(original: PostmanCollection): { requests: number; assertions: number; tokenFolderRequests: number; tokenFolderAssertions: number } {
  const all = requestsOf(original);
  const token = all.filter((r) => r.folder === TOKEN_FOLDER);
  const sum = (list: typeof all) => list.reduce((n, r) => n + assertionsDeclared(r.item), 0);
  return { requests: all.length, assertions: sum(all), tokenFolderRequests: token.length, tokenFolderAssertions: sum(token) };
}

// ---- loopback only ----

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1';
  return false;
}

/** An HTTP agent that refuses to open a connection to anything but a loopback IP literal. */
class LoopbackOnlyAgent extends HttpAgent {
  constructor(private readonly onConnect: (host: string, allowed: boolean) => void) {
    super({ keepAlive: false });
  }

  override createConnection(options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const host = String(options.host ?? options.hostname ?? '');
    const allowed = isLoopbackHost(host);
    this.onConnect(host, allowed);
    if (!allowed) throw new Error(`scim-conformance: refusing a connection to non-loopback host "${host}"`);
    return super.createConnection(options, callback);
  }
}

/** Every https connection is refused: the collection is only ever run over loopback http. */
class RefuseAllAgent extends HttpAgent {
  constructor(private readonly onConnect: (host: string, allowed: boolean) => void) {
    super({ keepAlive: false });
  }

  override createConnection(options: ClientRequestArgs): Duplex | null | undefined {
    const host = String(options.host ?? options.hostname ?? '');
    this.onConnect(host, false);
    throw new Error(`scim-conformance: refusing an https connection to "${host}"`);
  }
}

// ---- newman (CommonJS, untyped) ----

interface SdkLike {
  toString(): string;
}
interface NewmanRequest {
  method?: string;
  url?: SdkLike;
  body?: { raw?: string } & Partial<SdkLike>;
}
interface NewmanResponse {
  code?: number;
  text?: () => string;
}
interface NewmanEventArgs {
  item?: { id?: string; name?: string };
  request?: NewmanRequest;
  response?: NewmanResponse;
  assertion?: string;
  skipped?: boolean;
  error?: { message?: string; name?: string };
}
interface NewmanEmitter {
  on(event: string, listener: (err: { message?: string } | null | undefined, args: NewmanEventArgs) => void): NewmanEmitter;
}
interface StatsCounter {
  total: number;
  failed: number;
}
interface NewmanSummary {
  run: { stats: { requests: StatsCounter; assertions: StatsCounter; testScripts: StatsCounter } };
}
interface NewmanModule {
  run(options: Record<string, unknown>, callback: (err: Error | null, summary: NewmanSummary) => void): NewmanEmitter;
}

const newman = createRequire(import.meta.url)('newman') as NewmanModule;

export interface RunOptions {
  collection: PostmanCollection;
  keys: Map<string, RequestKey>;
  variables: Record<string, string>;
  /** Per request, ms. */
  timeoutRequest: number;
  /** The whole run, ms. */
  timeout: number;
  /** Per script, ms. */
  timeoutScript: number;
}

const MAX_BODY = 4000;
const clip = (text: string | undefined): string | undefined => (text === undefined || text.length <= MAX_BODY ? text : `${text.slice(0, MAX_BODY)}… (${text.length} chars)`);

export function runCollection(options: RunOptions): Promise<CollectionRun> {
  const requests: RequestRecord[] = [];
  const assertions: AssertionResult[] = [];
  const hosts = new Set<string>();
  const refusedHosts: string[] = [];
  const onConnect = (host: string, allowed: boolean): void => {
    hosts.add(host);
    if (!allowed) refusedHosts.push(host);
  };

  // One iteration: every request of the collection runs once, so its id identifies its record.
  const byId = new Map<string, RequestRecord>();
  let current: RequestRecord | undefined;
  const recordFor = (item: NewmanEventArgs['item']): RequestRecord => {
    const id = item?.id;
    if (id === undefined) {
      if (current) return current;
      throw new Error('scim-conformance: a newman event without an item before any request');
    }
    let record = byId.get(id);
    if (!record) {
      const key = options.keys.get(id) ?? { folder: '(unknown)', request: item?.name ?? '(unknown)', occurrence: 1 };
      record = { ...key, scriptErrors: [], assertions: [] };
      byId.set(id, record);
      requests.push(record);
    }
    current = record;
    return record;
  };

  return new Promise<CollectionRun>((resolve, reject) => {
    const emitter = newman.run(
      {
        collection: options.collection,
        environment: {
          name: 'scim-conformance',
          values: Object.entries(options.variables).map(([key, value]) => ({ key, value, type: 'default', enabled: true })),
        },
        reporters: [],
        timeout: options.timeout,
        timeoutRequest: options.timeoutRequest,
        timeoutScript: options.timeoutScript,
        ignoreRedirects: true,
        insecureFileRead: false,
        requestAgents: { http: new LoopbackOnlyAgent(onConnect), https: new RefuseAllAgent(onConnect) },
      },
      (err, summary) => {
        if (err) {
          reject(err);
          return;
        }
        const stats = summary.run.stats;
        resolve({
          requests,
          assertions,
          stats: {
            requests: { total: stats.requests.total, failed: stats.requests.failed },
            assertions: { total: stats.assertions.total, failed: stats.assertions.failed },
            testScripts: { total: stats.testScripts.total, failed: stats.testScripts.failed },
          },
          hosts: [...hosts],
          refusedHosts,
        });
      },
    );

    emitter.on('beforeItem', (_err, args) => {
      recordFor(args.item);
    });
    emitter.on('request', (err, args) => {
      const record = recordFor(args.item);
      record.method = args.request?.method;
      record.url = args.request?.url?.toString();
      record.requestBody = clip(args.request?.body?.raw);
      if (err) record.transportError = err.message ?? String(err);
      if (args.response) {
        record.status = args.response.code;
        record.responseBody = clip(args.response.text?.());
      }
    });
    emitter.on('assertion', (err, args) => {
      const record = recordFor(args.item);
      const result: AssertionResult = {
        folder: record.folder,
        request: record.request,
        occurrence: record.occurrence,
        assertion: args.assertion ?? '(unnamed)',
        passed: !err,
        skipped: Boolean(args.skipped),
        ...(err ? { error: args.error?.message ?? err.message ?? 'failed' } : {}),
      };
      record.assertions.push(result);
      assertions.push(result);
    });
    emitter.on('exception', (_err, args) => {
      const record = recordFor(args.item);
      record.scriptErrors.push(args.error?.message ?? 'script exception');
    });
    emitter.on('script', (err, args) => {
      if (!err) return;
      const record = recordFor(args.item);
      const message = err.message ?? String(err);
      if (!record.scriptErrors.includes(message)) record.scriptErrors.push(message);
    });
  });
}
