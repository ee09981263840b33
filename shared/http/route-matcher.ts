import type { RouteDefinition } from '../routes.ts';

export type RouteMatch =
  | { kind: 'matched'; route: RouteDefinition; pathParameters: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

interface CompiledRoute {
  route: RouteDefinition;
  segments: string[];
  /** Lower is more specific: API Gateway prefers literal segments, then {param}, then {proxy+}. */
  rank: number[];
}

const GREEDY = /^\{(\w+)\+\}$/;
const PARAM = /^\{(\w+)\}$/;

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

function segmentRank(segment: string): number {
  if (GREEDY.test(segment)) return 2;
  if (PARAM.test(segment)) return 1;
  return 0;
}

function compare(a: CompiledRoute, b: CompiledRoute): number {
  for (let i = 0; i < Math.max(a.rank.length, b.rank.length); i++) {
    const diff = (a.rank[i] ?? 3) - (b.rank[i] ?? 3);
    if (diff !== 0) return diff;
  }
  return 0;
}

function matchSegments(template: string[], actual: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const segment = template[i] as string;
    const greedy = GREEDY.exec(segment);
    if (greedy) {
      if (i >= actual.length) return undefined;
      params[greedy[1] as string] = actual.slice(i).join('/');
      return params;
    }
    const value = actual[i];
    if (value === undefined) return undefined;
    const param = PARAM.exec(segment);
    if (param) params[param[1] as string] = value;
    else if (segment !== value) return undefined;
  }
  return template.length === actual.length ? params : undefined;
}

function decodeParams(params: Record<string, string>): Record<string, string> | undefined {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    try {
      decoded[name] = decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return decoded;
}

/**
 * Matches requests against the route table the way API Gateway's REST API does: the most
 * specific resource (path template) wins first, then its method decides; a path that exists
 * without the method is a 405, not a 404, and never falls through to a less specific template.
 */
export function createRouteMatcher(table: readonly RouteDefinition[]) {
  const compiled: CompiledRoute[] = table
    .map((route) => {
      const segments = splitPath(route.path);
      return { route, segments, rank: segments.map(segmentRank) };
    })
    .sort(compare);

  return function match(method: string, path: string): RouteMatch {
    const actual = splitPath(path);
    const upperMethod = method.toUpperCase();
    let resource: string | undefined;
    let params: Record<string, string> | undefined;
    const allow: string[] = [];
    for (const candidate of compiled) {
      if (resource !== undefined && candidate.route.path !== resource) continue;
      const raw = resource === undefined ? matchSegments(candidate.segments, actual) : params;
      if (!raw) continue;
      resource = candidate.route.path;
      params = raw;
      if (candidate.route.method === upperMethod || candidate.route.method === 'ANY') {
        const pathParameters = decodeParams(raw);
        return pathParameters ? { kind: 'matched', route: candidate.route, pathParameters } : { kind: 'not-found' };
      }
      allow.push(candidate.route.method);
    }
    return allow.length > 0 ? { kind: 'method-not-allowed', allow: allow.sort() } : { kind: 'not-found' };
  };
}
