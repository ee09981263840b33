/**
 * Where a handler's CPU goes: the V8 sampling profiler (node:inspector, in process) around a few
 * sequential in-process invocations, self time grouped by npm package or by our own folder.
 * Separate runs from the CPU measurement (the profiler itself costs CPU).
 */
import { Session } from 'node:inspector/promises';
import { resolve } from 'node:path';
import { invokeInProcess } from './invoke.ts';
import type { RequestSpec } from './load-protocol.ts';
import { round } from './stats.ts';

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const repoRoot = resolve(import.meta.dirname, '..', '..');

function bucketOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) {
    if (functionName === '(garbage collector)') return '(garbage collection)';
    if (functionName === '(idle)' || functionName === '(program)') return functionName;
    return '(native)';
  }
  const packageName = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (packageName) return packageName.startsWith('@smithy/') || packageName.startsWith('@aws-sdk/') ? `${packageName.split('/')[0]}/*` : packageName;
  if (url.startsWith('node:')) return 'node: (built-ins)';
  const path = url.replace(/^file:\/\//, '');
  if (path.startsWith(repoRoot)) {
    const relative = path.slice(repoRoot.length + 1);
    const [top, second] = relative.split('/');
    return top === 'shared' || top === 'functions' ? `(ours) ${top}/${second ?? ''}` : `(bench/runtime) ${top}`;
  }
  return '(other)';
}

export interface CpuBreakdown {
  invocations: number;
  profiledMsPerRequest: number;
  /** Self time per request by package or folder, largest first (idle excluded). */
  byPackage: { name: string; msPerRequest: number; share: number }[];
}

export async function profileInvocations(specs: RequestSpec[]): Promise<CpuBreakdown> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    for (const spec of specs) await invokeInProcess(spec);
    const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const selfMicros = new Map<string, number>();
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      const node = byId.get(samples[i] as number);
      if (!node) continue;
      const bucket = bucketOf(node);
      selfMicros.set(bucket, (selfMicros.get(bucket) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0));
    }
    selfMicros.delete('(idle)');
    const busy = [...selfMicros.values()].reduce((sum, value) => sum + value, 0);
    const perRequest = (micros: number) => round(micros / 1000 / Math.max(1, specs.length));
    return {
      invocations: specs.length,
      profiledMsPerRequest: perRequest(busy),
      byPackage: [...selfMicros.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 10)
        .map(([name, micros]) => ({ name, msPerRequest: perRequest(micros), share: round(micros / Math.max(1, busy)) })),
    };
  } finally {
    await session.post('Profiler.disable').catch(() => undefined);
    session.disconnect();
  }
}
