/**
 * A Markdown digest of a report (bench/results/<timestamp>.md, latest.md): the tables a reviewer
 * reads in a diff, generated from the same JSON as the chart.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- reads the plain JSON report */

const n = (value: unknown, digits = 1) => (typeof value === 'number' && Number.isFinite(value) ? Number(value.toFixed(digits)).toLocaleString('en') : '–');
const row = (cells: unknown[]) => `| ${cells.map((cell) => String(cell ?? '–').replace(/\|/g, '\\|')).join(' | ')} |`;
const table = (header: string[], rows: unknown[][]) => [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');

export function renderMarkdown(report: any): string {
  const out: string[] = [];
  const machine = report.machine ?? {};
  out.push(`# Benchmark ${report.startedAt}`);
  out.push(
    `${machine.nproc} cores (\`nproc\`), ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.java}. ` +
      `\`${report.command}\` took ${n(report.durationSeconds, 0)} s. Load average at start ${(machine.loadAverageAtStart ?? []).join(' ')}; ` +
      `other processes took at most ${n(Math.max(0, ...(report.noise?.phases ?? []).map((phase: any) => phase.load?.otherCores ?? 0)), 2)} cores during a phase.`,
  );

  const ops: any[] = report.perOperation ?? [];
  out.push(`\n## 1. Cost per operation (${ops[0]?.measuredAt ?? ''}; measured vs minimum)\n`);
  out.push(
    table(
      ['operation', 'round trips', 'RCU', 'WCU', 'CPU ms', 'minimum RT / RCU / WCU', 'gap'],
      ops.map((op) =>
        op.measured
          ? [op.label, op.measured.roundTrips, n(op.measured.readCapacityUnits), n(op.measured.writeCapacityUnits), n(op.measured.cpuMsMedian), `${op.minimum?.roundTrips} / ${n(op.minimum?.readUnits)} / ${n(op.minimum?.writeUnits)}`, op.explanation]
          : [op.label, 'not implemented', '', '', '', '', op.explanation],
      ),
    ),
  );

  const load: any[] = report.load?.operations ?? [];
  out.push('\n## 2. Latency and throughput through HTTP (ms p50 / p95 / p99, requests/s, share of the engine\'s ceiling)\n');
  const engine: any[] = report.engine?.results ?? [];
  out.push(
    `DynamoDB Local alone: ${['GetItem', 'Query', 'UpdateItem', 'TransactWriteItems']
      .map((operation) => `${operation} ${engine.filter((result) => result.operation === operation).map((result) => `${n(result.opsPerSecond, 0)}/s @${result.concurrency}`).join(', ')}`)
      .join('; ')}.\n`,
  );
  out.push(
    table(
      ['operation', 'c=1', 'c=8', 'c=32'],
      load.map((entry) => [
        entry.label,
        ...[1, 8, 32].map((concurrency) => {
          const result = entry.results.find((candidate: any) => candidate.concurrency === concurrency);
          if (!result?.requests) return '–';
          return `${n(result.latencyMs.p50)} / ${n(result.latencyMs.p95)} / ${n(result.latencyMs.p99)} · ${n(result.throughput, 0)}/s${result.engineCeiling ? ` · ${Math.round(result.engineCeiling.ratio * 100)}%` : ''}`;
        }),
      ]),
    ),
  );

  const scale = report.scale ?? {};
  out.push(`\n## 3. Growth with data (${(scale.levels ?? []).map((level: number) => level.toLocaleString('en')).join(' / ')} users)\n`);
  out.push(
    table(
      ['operation', 'p50 ms (HTTP, c=1)', 'round trips', 'RCU + WCU', 'verdict'],
      (scale.operations ?? []).map((op: any) => [
        op.label,
        op.points.map((point: any) => n(point.p50Ms)).join(' / '),
        op.points.map((point: any) => point.roundTrips).join(' / '),
        op.points.map((point: any) => n(point.readCapacityUnits + point.writeCapacityUnits)).join(' / '),
        op.flat?.verdict,
      ]),
    ),
  );
  const deep = scale.deepPaging;
  if (deep) {
    out.push(
      `\nPaging ${n(deep.users, 0)} users: a walk in order of ${deep.walk?.requests} pages of ${deep.walk?.pageSize} costs ${n(deep.walk?.server?.roundTrips)} round trips and ${n(deep.walk?.server?.readCapacityUnits)} RCU per page at every depth (p50 per tenth: ${(deep.walk?.latencyByTenthMs ?? []).join(', ')} ms). ` +
        `Pages of 100 at ${(deep.atDepth ?? []).map((depth: any) => `startIndex ${n(depth.startIndex, 0)}: ${depth.defaultAttributes?.roundTrips} RT, ${n(depth.defaultAttributes?.readCapacityUnits)} RCU, ${n(depth.defaultAttributes?.wallMsMedian)} ms (engine alone ${n(depth.engineQueryMs)} ms)`).join('; ')}. ` +
        `A cold jump to startIndex ${n(deep.coldJump?.startIndex, 0)}: ${deep.coldJump?.roundTrips} RT, ${n(deep.coldJump?.readCapacityUnits)} RCU, ${n(deep.coldJump?.wallMsMedian)} ms.`,
    );
  }
  const group = scale.bigGroup;
  if (group) {
    out.push(`\nA ${n(group.members, 0)}-member group (in process, RT / RCU / WCU / ms):\n`);
    out.push(
      table(
        ['operation', 'empty group', `${n(group.members, 0)} members`],
        (group.comparisons ?? []).map((entry: any) => [
          entry.operation,
          entry.small ? `${entry.small.roundTrips} / ${n(entry.small.readCapacityUnits)} / ${n(entry.small.writeCapacityUnits)} / ${n(entry.small.wallMsMedian)}` : '–',
          entry.big ? `${entry.big.roundTrips} / ${n(entry.big.readCapacityUnits)} / ${n(entry.big.writeCapacityUnits)} / ${n(entry.big.wallMsMedian)}` : '–',
        ]),
      ),
    );
  }

  const largePatch = scale.largeGroupPatch;
  if (largePatch) {
    out.push(`\nThe largest group PATCH (one add of N member values on a fresh group, through HTTP; target under ${n(largePatch.targetMs, 0)} ms):\n`);
    out.push(
      table(
        ['case', 'status (expected)', 'ms', 'round trips (at the answer)', 'RCU / WCU'],
        (largePatch.cases ?? []).map((entry: any) => [entry.case, `${entry.status} (${entry.expectedStatus})`, n(entry.ms, 0), `${entry.roundTrips} (${entry.roundTripsAtAnswer})`, `${n(entry.readCapacityUnits)} / ${n(entry.writeCapacityUnits)}`]),
      ),
    );
  }

  const startup = report.startup;
  if (startup) {
    out.push(`\n## Start-up (\`npm start\` to the first answered request; target under ${n(startup.targetMs, 0)} ms on an idle machine)\n`);
    out.push(
      table(
        ['case', 'first request ms', 'CPU ms (npm + Node + Java)', 'runtime phases (ms)'],
        (startup.runs ?? []).map((run: any) => [
          run.case,
          n(run.firstRequestMs, 0),
          n(run.cpuMs, 0),
          Object.entries(run.phasesMs ?? {}).map(([phase, ms]) => `${phase} ${ms}`).join(', ') || run.error,
        ]),
      ),
    );
  }

  const cold = report.coldStart;
  if (cold) {
    out.push(`\n## 4. Cold start (${cold.summary?.bundles} bundles; targets ≤ 1 MB, median init ≤ ${cold.targets?.maxMedianInitMs} ms)\n`);
    out.push(
      `Largest ${n(cold.summary?.largestKb, 0)} KB; median init ${n(cold.summary?.medianInitMs)} ms; zod ${n(cold.summary?.zodKbPerBundle, 0)} KB in every bundle. Over 1 MB: ${cold.summary?.overSizeTarget?.join(', ') || 'none'}. Over ${cold.targets?.maxMedianInitMs} ms: ${cold.summary?.overInitTarget?.join(', ') || 'none'}. ${cold.sdkDecision}\n`,
    );
    if (cold.references) {
      out.push(
        `\nEvery route against a reference built and measured in this run (a bare handler: DynamoDBClient + one GetItem, same esbuild options; \`dynamodb+…\` adds the libraries a route needs for its own work). Bound: size and median init ≤ ${cold.bounds?.maxRatio} × the route's reference. Within: ${cold.bounds?.withinBounds} of ${cold.summary?.bundles}. Outside: ${cold.bounds?.outside?.join('; ') || 'none'}.\n`,
      );
      out.push(
        table(
          ['reference', 'KB', 'init ms (median, min–max, runs)', 'largest contributors'],
          cold.references.map((reference: any) => [
            reference.name,
            n(reference.kb, 0),
            `${n(reference.initMsMedian)} (${n(reference.initMsMin)}–${n(reference.initMsMax)}, ${reference.runs})`,
            (reference.topContributors ?? []).slice(0, 4).map((entry: any) => `${entry.name} ${n(entry.kb, 0)}`).join(', '),
          ]),
        ),
      );
      out.push('\nThe five largest ratios (size or init) to the route\'s reference:\n');
      out.push(
        table(
          ['route', 'reference', 'size ×', 'init ×', 'KB', 'init ms (paired reference ms)', 'largest contributors'],
          (cold.worstFive ?? []).map((entry: any) => [
            entry.routeId,
            entry.reference,
            n(entry.sizeRatio, 2),
            n(entry.initRatio, 2),
            n(entry.kb, 0),
            `${n(entry.initMsMedian)} (${n(entry.referenceInitMsMedian)})`,
            (entry.topContributors ?? []).map((c: any) => `${c.name} ${n(c.kb, 0)}`).join(', '),
          ]),
        ),
      );
      out.push('\n');
    }
    out.push(
      table(
        ['bundle (largest first)', 'KB', 'init ms (median, min–max)', 'largest contributors'],
        (cold.bundles ?? []).slice(0, 12).map((bundle: any) => [
          bundle.handler,
          n(bundle.kb, 0),
          `${n(bundle.initMsMedian)} (${n(bundle.initMsMin)}–${n(bundle.initMsMax)})`,
          (bundle.topContributors ?? []).slice(0, 4).map((entry: any) => `${entry.name} ${n(entry.kb, 0)}`).join(', '),
        ]),
      ),
    );
    const withZod = (cold.comparison ?? []).some((entry: any) => entry.zodNamespaceImport);
    out.push('\nSame functions, bundled as deployed and with the AWS SDK left to the runtime (KB / median init ms):\n');
    out.push(
      table(
        ['function', 'as deployed', 'SDK from the runtime', ...(withZod ? ["zod `import * as z` (proposal)"] : [])],
        (cold.comparison ?? []).map((entry: any) => [
          entry.handler,
          `${n(entry.deployed.kb, 0)} / ${n(entry.deployed.initMsMedian)}`,
          `${n(entry.sdkFromRuntime.kb, 0)} / ${n(entry.sdkFromRuntime.initMsMedian)}`,
          ...(withZod ? [entry.zodNamespaceImport ? `${n(entry.zodNamespaceImport.kb, 0)} / ${n(entry.zodNamespaceImport.initMsMedian)}` : '–'] : []),
        ]),
      ),
    );
  }

  const audit = report.audit;
  if (audit) {
    out.push(`\n## 5. Audit log (${n(audit.entries, 0)} entries)\n`);
    out.push(
      table(
        ['export (CSV)', 'entries', 'MB', 'seconds', 'entries/s', 'peak RSS MB', 'delivered'],
        (audit.exports ?? []).map((entry: any) => [entry.requested, n(entry.entries, 0), n(entry.bytes / 1048576), n(entry.seconds), n(entry.entriesPerSecond, 0), n(entry.peakRssMb), entry.delivered]),
      ),
    );
    if (audit.asyncExports?.length) {
      const bounds = audit.asyncExportBounds ?? {};
      out.push(`\nAsynchronous exports (GET …/audit/log → 202 → the \`audit-export\` worker in a fresh process → job status), from ${n(audit.asyncExportEntries, 0)} entries: peak RSS at most ${n(bounds.peakRssMaxMb)} MB (limit ${bounds.peakRssLimitMb} MB), largest ÷ smallest ${n(bounds.peakRssGrowth)} — ${bounds.withinBounds ? '**within bounds**' : '**outside bounds**'}.\n`);
      out.push(
        table(
          ['async export (CSV)', 'job', 'entries', 'MB', 'worker seconds', 'entries/s', 'peak RSS MB', 'VmHWM MB'],
          audit.asyncExports.map((entry: any) => [entry.requested, entry.jobStatus + (entry.error ? ` (${entry.error})` : ''), n(entry.entries, 0), n(entry.bytes / 1048576), n(entry.seconds), n(entry.entriesPerSecond, 0), n(entry.peakRssMb), n(entry.vmHwmMb)]),
        ),
      );
    }
    const listRows = [
      ['deep page without boundary', audit.coldDeepPage],
      ['the page after it', audit.pageAfterDeep],
      ['query=action:user.created', audit.filteredByAction],
      ['free text matching nothing', audit.textSearchNoMatch],
      ...Object.entries(audit.filteredPages ?? {}),
    ].filter(([, value]) => value);
    if (audit.listPagesBound) {
      out.push(`\nAudit list pages over ${n(audit.entries, 0)} entries: slowest ${n(audit.listPagesBound.slowestMs, 0)} ms against the function's ${audit.listPagesBound.functionTimeoutSeconds} s — ${audit.listPagesBound.withinBounds ? '**every page 200 within half the timeout**' : '**a page failed or took more than half the timeout**'}.`);
    }
    out.push('');
    out.push(
      table(
        ['audit list request', 'status', 'round trips', 'RCU', 'ms'],
        listRows.map(([name, value]: any) => [name, Object.keys(value.statuses ?? {}).join('/'), value.roundTrips, `${n(value.readCapacityUnits)}${value.settled === false ? ' (still running: lower bound)' : ''}`, n(value.wallMsMedian)]),
      ),
    );
  }

  const cpu: any[] = report.cpu?.operations ?? [];
  out.push('\n## 6. CPU per request (ms; in process median, server process under load at c=8 / c=32; where it goes)\n');
  out.push(
    table(
      ['operation', 'in process', 'c=8', 'c=32', 'profile (share of CPU)'],
      cpu.map((entry) => [
        ops.find((op) => op.id === entry.id)?.label ?? entry.id,
        n(entry.inProcess?.cpuMsMedian),
        n(entry.serverCpuMsPerRequest?.c8),
        n(entry.serverCpuMsPerRequest?.c32),
        (entry.profile?.byPackage ?? []).slice(0, 4).map((part: any) => `${part.name} ${Math.round(part.share * 100)}%`).join(', '),
      ]),
    ),
  );

  const directory = report.directory;
  if (directory?.points?.length) {
    out.push(`\n## 7. Directory API \`GET /api/users?page=N&pageSize=${directory.pageSize}\` (round trips / RCU / WCU / ms in process)\n`);
    const failed = (cost: any) => Object.entries(cost.statuses ?? {}).filter(([status]) => status !== '200').map(([status, count]) => `${count}× ${status}`);
    const cell = (cost: any) =>
      cost ? `${cost.roundTrips} / ${n(cost.readCapacityUnits)} / ${n(cost.writeCapacityUnits)} / ${n(cost.wallMsMedian, 0)}${failed(cost).length ? ` (**${failed(cost).join(', ')}**: cut at the route's timeout, figures are lower bounds)` : ''}` : '–';
    out.push(
      table(
        ['users (totalCount)', 'page 1', 'next page in order', 'jump to the last page', 'the same jump again', 'status=active (reads all)', 'minimum per page'],
        directory.points.map((point: any) => [
          `${n(point.users, 0)} (${n(point.totalCount, 0)})`,
          cell(point.firstPage),
          cell(point.nextPageInOrder),
          `${cell(point.jump)} (page ${point.jump?.page}, ${n(point.jump?.keysSkipped, 0)} keys skipped)`,
          cell(point.jumpAgain),
          point.filteredStatusActive ? cell(point.filteredStatusActive) : 'not measured (over 20,000 users)',
          `${point.minimum?.roundTrips} / ${n(point.minimum?.readUnits)} / ${n(point.minimum?.writeUnits)}`,
        ]),
      ),
    );
    out.push(`\n${directory.note} Gap at the largest size: ${directory.points.at(-1)?.explanation}`);
  }

  const governance = report.governance;
  if (governance?.incremental) {
    out.push(`\n## Governance: policy violations at ${n(governance.users, 0)} users (${governance.policies} enabled policies)\n`);
    out.push(
      table(
        ['measure', 'p50 ms', 'p95 ms', 'max ms', 'samples'],
        [
          ['SCIM PATCH → violation open', n(governance.toOpen.p50, 0), n(governance.toOpen.p95, 0), n(governance.toOpen.max, 0), governance.toOpen.count],
          ['SCIM PATCH → violation resolved', n(governance.toResolved.p50, 0), n(governance.toResolved.p95, 0), n(governance.toResolved.max, 0), governance.toResolved.count],
        ],
      ),
    );
    out.push('');
    out.push(
      table(
        ['evaluation', 'round trips', 'RCU', 'WCU', 'ms'],
        [
          ['incremental (one group.member.added)', governance.incremental.roundTrips, n(governance.incremental.readCapacityUnits), n(governance.incremental.writeCapacityUnits), n(governance.incremental.ms, 0)],
          ['full sweep of the organization', governance.fullSweep.roundTrips, n(governance.fullSweep.readCapacityUnits), n(governance.fullSweep.writeCapacityUnits), n(governance.fullSweep.ms, 0)],
          ['full ÷ incremental', governance.ratio.roundTrips, governance.ratio.readCapacityUnits, governance.ratio.writeCapacityUnits, governance.ratio.ms],
        ],
      ),
    );
    out.push(`\n${governance.note}`);
  }
  const sync = report.sync;
  if (sync?.skipped) out.push(`\n## 8. Directory sync cost per object\n\nSkipped: ${sync.skipped}`);
  else if (sync?.full) {
    out.push(`\n## 8. Directory sync cost per object (${n(sync.directoryUsers, 0)} OpenLDAP users; delta after ${n(sync.changedUsers, 0)} changed)\n`);
    const costRow = (name: string, run: any, per: any) => [
      name,
      run.status,
      n(run.counts?.processed, 0),
      `${n(run.roundTrips, 0)} / ${n(run.readCapacityUnits)} / ${n(run.writeCapacityUnits)} / ${n(run.ms, 0)}`,
      per ? `${n(per.roundTrips, 2)} / ${n(per.readCapacityUnits, 2)} / ${n(per.writeCapacityUnits, 2)} / ${n(per.ms, 2)}` : '–',
    ];
    out.push(
      table(
        ['run', 'status', 'processed', 'total: round trips / RCU / WCU / ms', 'per object'],
        [
          costRow('full sync', sync.full, sync.full.perObject),
          costRow(`delta, ${n(sync.changedUsers, 0)} changed (per changed object)`, sync.delta, sync.delta.perChangedObject),
          costRow('delta, nothing changed', sync.emptyDelta, undefined),
        ],
      ),
    );
    const ratio = sync.delta.ratioToFull ?? {};
    out.push(
      `\nDelta ÷ full: round trips ${n(ratio.roundTrips, 4)}, RCU ${n(ratio.readCapacityUnits, 4)}, WCU ${n(ratio.writeCapacityUnits, 4)}, ms ${n(ratio.ms, 4)} — changed share ${n(ratio.changedShare, 4)}. ` +
        `Delta reads ${sync.deltaReadsProportional ? 'scale with the changes' : 'do **not** scale with the changes (see Findings)'}. ${sync.note}`,
    );
  }

  const rateLimit = report.rateLimit;
  if (rateLimit) {
    out.push(`\n## 9. Rate limiting: leased SCIM limit (target ≤ ${rateLimit.target} rate-limit writes per request; slice ${rateLimit.slice} at ${n(rateLimit.scimLimit?.perMinute, 0)}/minute)\n`);
    out.push(
      table(
        ['steady load', 'requests', 'req/s', 'statuses', 'rate-limit writes', 'per request'],
        (rateLimit.steady ?? []).map((run: any) => [`c=${run.concurrency}`, n(run.requests, 0), n(run.throughput, 0), JSON.stringify(run.statuses), n(run.rateLimitWrites, 0), n(run.writesPerRequest, 4)]),
      ),
    );
    out.push('');
    out.push(
      table(
        ['bound at 32-way concurrency', 'K', 'limit', 'sent', 'admitted (at first refusal)', 'bound', 'refused (with Retry-After)', 'writes', 'holds'],
        (rateLimit.bounds ?? []).map((check: any) => [
          check.where,
          check.instances,
          `${n(check.window === 'hour' ? check.limit.perHour : check.limit.perMinute, 0)}/${check.window} (slice ${check.slice})`,
          n(check.sent, 0),
          `${n(check.admitted, 0)}${check.admittedAtFirstRefusal !== undefined ? ` (${n(check.admittedAtFirstRefusal, 0)})` : ''}`,
          `${n(check.bound.min, 0)}–${n(check.bound.max, 0)}`,
          `${n(check.refused, 0)} (${n(check.refusedWithRetryAfter, 0)})`,
          n(check.rateLimitWrites, 0),
          check.holds ? 'yes' : '**no**',
        ]),
      ),
    );
    out.push(`\nTarget ${rateLimit.meetsTarget ? 'met' : '**not met**'}; bounds ${rateLimit.boundsHold ? 'hold' : '**do not hold**'}. ${rateLimit.note}`);
  }

  out.push('\n## Findings\n');
  for (const finding of report.findings ?? []) {
    out.push(`- **${finding.title}** (${finding.kind}; ${finding.where}). ${finding.evidence} *Proposal:* ${finding.proposal}`);
  }
  return `${out.join('\n')}\n`;
}
