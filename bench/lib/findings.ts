/**
 * Design problems the numbers expose, each with its evidence (figures from this run) and the
 * proposed fix. Built from the report so the text never drifts from the measurements; a finding
 * whose evidence is absent from a run (a phase skipped, code changed) is left out.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- reads the plain JSON report */

import { DELTA_READS_PER_CHANGED_OBJECT, deltaReadsScaleWithChanges } from './sync-rules.ts';

export interface Finding {
  title: string;
  evidence: string;
  proposal: string;
  where: string;
  kind: 'correctness' | 'cost' | 'latency' | 'cold start' | 'tooling' | 'confirmed';
}

const f = (value: unknown, digits = 1) => (typeof value === 'number' && Number.isFinite(value) ? Number(value.toFixed(digits)).toLocaleString('en') : String(value));

export function findings(report: any): Finding[] {
  const out: Finding[] = [];
  const op = (id: string) => (report.perOperation ?? []).find((entry: any) => entry.id === id);
  const load = (id: string, concurrency: number) => (report.load?.operations ?? []).find((entry: any) => entry.id === id)?.results?.find((result: any) => result.concurrency === concurrency);
  const cpu = (id: string) => (report.cpu?.operations ?? []).find((entry: any) => entry.id === id);

  const byName = op('scim.users.filter.userName');
  if (byName?.measured && byName.minimum && byName.measured.readCapacityUnits < byName.minimum.readUnits) {
    out.push({
      kind: 'correctness',
      title: '`userName eq` is not read-your-writes: the uniqueness claim is read eventually consistent',
      evidence: `The lookup reads ${f(byName.measured.readCapacityUnits)} RCU in ${byName.measured.roundTrips} round trips (${JSON.stringify(byName.measured.calls)}); a strongly consistent claim + user read costs ${f(byName.minimum.readUnits)}. shared/storage/queries.ts batchGet sends BatchGetItem without ConsistentRead, while listables.ts and the README promise that a user created a moment ago is found. DynamoDB Local is always consistent, so no test can catch it.`,
      proposal: 'Add a `consistent` option to batchGet and use it for the claim lookup (and the user it names): +0.5 RCU per lookup. Entra ID checks `userName eq` right before creating; a stale empty answer turns into a 409 on the create.',
      where: 'shared/storage/queries.ts batchGet, shared/scim/listables.ts userListing.lookup (SCIM owners)',
    });
  }

  const withGroups = op('scim.users.list.withGroups');
  const plainList = op('scim.users.list.first');
  if (withGroups?.measured && withGroups.measured.roundTrips > (plainList?.measured?.roundTrips ?? 4) + 10) {
    out.push({
      kind: 'latency',
      title: 'N+1 queries when a list page includes groups (`attributes=groups`)',
      evidence: `A page of 100 users with groups: ${withGroups.measured.roundTrips} round trips (${withGroups.measured.calls?.QueryCommand} queries), ${f(cpu('scim.users.list.withGroups')?.inProcess?.cpuMsMedian)} ms CPU, c=1 p50 ${f(load('scim.users.list.withGroups', 1)?.latencyMs?.p50)} ms, ${f(load('scim.users.list.withGroups', 32)?.throughput)} pages/s at c=32 — against ${plainList?.measured?.roundTrips} round trips, ${f(cpu('scim.users.list.first')?.inProcess?.cpuMsMedian)} ms CPU and ${f(load('scim.users.list.first', 1)?.latencyMs?.p50)} ms without groups. The page's groups are read once (one BatchGetItem per 100 groups), but each listed user still costs one gsi1 query for its memberships (16 in flight at a time).`,
      proposal: 'Keep each user\'s group references (id, display) on the user item, maintained in the membership transactions (a group rename fans out to its members in chunks), so listing groups costs nothing extra; or page memberships with a single query per page. Since the last refactoring default list pages no longer include groups, so the cost only hits clients that ask for them.',
      where: 'shared/scim/listables.ts userListing.enrich, shared/scim/users.ts usersGroups (SCIM owners)',
    });
  }

  const addMember = op('scim.groups.patch.addMember');
  if (addMember?.gap?.roundTrips > 0) {
    out.push({
      kind: 'latency',
      title: 'Adding a group member reads the group and the membership before a transaction that could condition on both',
      evidence: `${addMember.measured.roundTrips} round trips (${JSON.stringify(addMember.measured.calls)}) where ${addMember.minimum.roundTrips} suffice; c=1 p50 ${f(load('scim.groups.patch.addMember', 1)?.latencyMs?.p50)} ms vs ${f(load('scim.users.create', 1)?.latencyMs?.p50)} ms for a user create (2 round trips).`,
      proposal: 'For add/remove-only member patches without If-Match: skip loadGroup and currentMemberIds; put the membership with attribute_not_exists (remove: delete with attribute_exists) and keep the group version bump conditioned on attribute_exists(pk); on a ConditionalCheckFailed of a membership step, drop that member and retry (it was a no-op). With If-Match, condition the bump on the version instead of reading it.',
      where: 'shared/scim/groups.ts changeGroup / writeMembership (SCIM owners)',
    });
  }

  const token = op('oauth.token');
  if (token?.gap?.roundTrips > 0) {
    out.push({
      kind: 'latency',
      title: 'The token endpoint reads the client registration only for two flags',
      evidence: `${token.measured.roundTrips} round trips (${JSON.stringify(token.measured.calls)}), all sequential, where ${token.minimum.roundTrips} suffice; c=1 p50 ${f(load('oauth.token', 1)?.latencyMs?.p50)} ms.`,
      proposal: 'Write `enabled` and `grantTypeClientCredentials` onto the credentials item whenever the registration changes (same transaction) and check them there: one GetItem less per token.',
      where: 'shared/identity/client-credentials-grant.ts, shared/identity/clients.ts (identity owners)',
    });
  }

  const cold = report.scale?.deepPaging?.coldJump;
  const walk = report.scale?.deepPaging?.walk;
  const depthsForCost: any[] = report.scale?.deepPaging?.atDepth ?? [];
  if (cold && walk) {
    const firstDepth = depthsForCost[0]?.defaultAttributes;
    const lastDepth = depthsForCost.at(-1);
    out.push({
      kind: 'cost',
      title: 'A startIndex far from any recorded page boundary reads every skipped user in full',
      evidence: `startIndex ${f(cold.startIndex, 0)} of ${f(report.scale.deepPaging.users, 0)} users with no boundary near it: ${cold.roundTrips} round trips, ${f(cold.readCapacityUnits)} RCU, ${f(cold.wallMsMedian)} ms (ProjectionExpression does not reduce read units: the skip reads whole items from an index that projects ALL). Walking in order costs the same at every depth: ${f(walk.server?.roundTrips)} round trips and ${f(walk.server?.readCapacityUnits)} RCU per page of ${walk.pageSize ?? 100} over ${walk.requests} pages; a page of 100 costs ${firstDepth?.roundTrips} round trips / ${f(firstDepth?.readCapacityUnits)} RCU at startIndex 1 and ${lastDepth?.defaultAttributes?.roundTrips} / ${f(lastDepth?.defaultAttributes?.readCapacityUnits)} RCU at ${f(lastDepth?.startIndex, 0)}. One jump costs as much as ~${f(cold.readCapacityUnits / Math.max(1, firstDepth?.readCapacityUnits ?? 1), 0)} pages read in order, so it is also a cheap way for a client to burn capacity.`,
      proposal: 'Cap the skip (e.g. refuse a startIndex more than 10,000 past the nearest boundary with 400 tooMany, pointing to cursor paging), or skip over a KEYS_ONLY sparse index of userNames (about 100 bytes per user instead of ~1 KB: ~10× fewer read units), or record a boundary every 1,000 users as pages are served.',
      where: 'shared/scim/list-resources.ts indexedListing (SCIM owners)',
    });
  }

  const depths: any[] = report.scale?.deepPaging?.atDepth ?? [];
  if (depths.length >= 2) {
    const first = depths[0];
    const last = depths.at(-1);
    out.push({
      kind: 'tooling',
      title: 'Page latency deep in a listing follows the engine, not the platform',
      evidence: `Same cost at every depth (${first.defaultAttributes?.roundTrips} → ${last.defaultAttributes?.roundTrips} round trips, ${f(first.defaultAttributes?.readCapacityUnits)} → ${f(last.defaultAttributes?.readCapacityUnits)} RCU), but in-process time ${f(first.defaultAttributes?.wallMsMedian)} ms at startIndex ${first.startIndex} vs ${f(last.defaultAttributes?.wallMsMedian)} ms at ${f(last.startIndex, 0)}; DynamoDB Local alone answers the same gsi1 query in ${f(first.engineQueryMs)} ms vs ${f(last.engineQueryMs)} ms from the recorded ExclusiveStartKey. DynamoDB seeks to an ExclusiveStartKey by key; DynamoDB Local (SQLite underneath) evidently does not, so the growth is the local engine's.`,
      proposal: 'Nothing in the platform; read deep-page latency here as an upper bound, and the flat round trips and read units as the AWS behaviour.',
      where: 'DynamoDB Local',
    });
  }

  const audit = report.audit;
  const outcome = (measurement: any) =>
    (measurement?.statuses?.['200']
      ? `answered in ${f(measurement.wallMsMedian)} ms`
      : `timed out: ${Object.keys(measurement?.statuses ?? {}).join('/')} after ${f(measurement?.wallMsMedian)} ms (the function's ${audit?.functionTimeoutSeconds ?? 10} s limit), its queries running on after the answer`) +
    (measurement?.settled === false ? ' (still reading 45 s later: the units below are a lower bound)' : '');
  const slow = (measurement: any) => !measurement?.statuses?.['200'] || measurement.wallMsMedian > ((audit?.functionTimeoutSeconds ?? 10) * 1000) / 2;
  if (audit?.coldDeepPage && slow(audit.coldDeepPage)) {
    out.push({
      kind: 'cost',
      title: 'A deep audit page without a recorded boundary reads every earlier entry in full',
      evidence: `pageNumber ${audit.coldDeepPage.pageNumber} × ${audit.coldDeepPage.pageSize} of ${f(audit.entries, 0)} entries ${outcome(audit.coldDeepPage)}: ${audit.coldDeepPage.roundTrips} round trips and ${f(audit.coldDeepPage.readCapacityUnits)} RCU in all.${audit.pageAfterDeep ? ` The next page, from the boundary it recorded: ${audit.pageAfterDeep.roundTrips} round trips, ${f(audit.pageAfterDeep.readCapacityUnits)} RCU, ${f(audit.pageAfterDeep.wallMsMedian)} ms.` : ''}`,
      proposal: "Seek with the per-day counters that already exist: sum them to find the day the requested offset falls in and start the query at that day's first ULID, so a jump reads at most one day of entries; cap the skip for filtered queries.",
      where: 'shared/audit/audit-log.ts listAuditLog (audit owners)',
    });
  }
  if ((audit?.textSearchNoMatch && slow(audit.textSearchNoMatch)) || (audit?.filteredByAction && slow(audit.filteredByAction))) {
    out.push({
      kind: 'cost',
      title: 'Filtered audit pages recount every match on every page; free text reads the whole log',
      evidence: `With ${f(audit.entries, 0)} entries: one page of \`query=action:user.created\` ${outcome(audit.filteredByAction)} — ${f(audit.filteredByAction?.readCapacityUnits)} RCU in ${audit.filteredByAction?.roundTrips} round trips, because countAuditEntries counts every match (Select COUNT over the action index) for totalCount on every request; a free-text term that matches nothing ${outcome(audit.textSearchNoMatch)} — ${f(audit.textSearchNoMatch?.readCapacityUnits)} RCU (a FilterExpression over the whole log, counted first). Both grow linearly with the log, so any holder of audit:read can make a request read the organization's entire audit log.`,
      proposal: 'Keep the count of a filtered query next to its page boundaries (same TTL item) so only the first page counts; cap counting at e.g. 10,000 and answer "10,000+"; require a time range (default: the last 30 days) for free-text terms, or index text terms separately.',
      where: 'shared/audit/audit-log.ts countAuditEntries / listAuditLog (audit owners)',
    });
  }

  const coldStart = report.coldStart;
  if (coldStart?.summary) {
    const comparison: any[] = coldStart.comparison ?? [];
    const bundles: any[] = coldStart.bundles ?? [];
    if (coldStart.summary.zodKbPerBundle > 200) {
      const zodSaving = (coldStart.zodNamespaceImportSizes ?? []).map((entry: any) => entry.deployedKb - entry.kb);
      const medianSaving = zodSaving.length ? [...zodSaving].sort((a: number, b: number) => a - b)[Math.floor(zodSaving.length / 2)] : undefined;
      const initDeltas = comparison.filter((entry) => entry.zodNamespaceImport).map((entry) => entry.deployed.initMsMedian - entry.zodNamespaceImport.initMsMedian);
      out.push({
        kind: 'cold start',
        title: `zod is ${f(coldStart.summary.zodKbPerBundle, 0)} KB of every bundle because \`import { z } from 'zod'\` defeats tree shaking`,
        evidence: `The \`z\` object re-exports all of zod including its ~40 locales (~260 KB); ${(coldStart.namedZodImports ?? []).length} source files import it that way. Bundled with \`import * as z from 'zod'\` (rewritten at bundle time only) the compared functions are ${medianSaving !== undefined ? `${f(medianSaving, 0)} KB smaller (median)` : 'smaller'}${initDeltas.length ? ` and initialise ${f(Math.min(...initDeltas))}–${f(Math.max(...initDeltas))} ms faster` : ''}.`,
        proposal: "Replace `import { z } from 'zod'` by `import * as z from 'zod'` (no API change; zod documents the namespace import as the tree-shakable form).",
        where: (coldStart.namedZodImports ?? []).join(', '),
      });
    }
    const over = bundles.filter((bundle) => bundle.overSizeTarget || bundle.overInitTarget);
    if (over.length > 0) {
      out.push({
        kind: 'cold start',
        title: `${over.length} of ${bundles.length} bundles miss a cold-start target (1 MB, median init 150 ms)`,
        evidence: over
          .map((bundle) => `${String(bundle.handler).replace(/^functions\//, '')}: ${f(bundle.kb, 0)} KB, ${f(bundle.initMsMedian)} ms (${(bundle.topContributors ?? []).slice(0, 4).map((entry: any) => `${entry.name} ${f(entry.kb, 0)} KB`).join(', ')})`)
          .join('; ') + `. Median init over all bundles ${f(coldStart.summary.medianInitMs)} ms.`,
        proposal:
          'Load heavy libraries only where they are used: the SAML functions that never verify a signature (metadata, login start, settings) should not import xml-crypto/xpath — split the verifier into its own module behind `await import()` in the ACS handler; the health check can import the S3 client lazily. Re-run the benchmark after each change: a miss by a few ms on a busy machine is noise (see min–max in the report).',
        where: 'functions/identity/saml/*, shared/saml/*, functions/platform/get-health.ts (owners of those files)',
      });
    }
    if (coldStart.sdkDecision) {
      out.push({
        kind: 'confirmed',
        title: 'Bundling the tree-shaken AWS SDK starts faster than the runtime-provided SDK',
        evidence: `${coldStart.sdkDecision} ${comparison.map((entry) => `${String(entry.handler).replace(/^functions\//, '')}: ${entry.deployed.initMsMedian} ms bundled vs ${entry.sdkFromRuntime.initMsMedian} ms from node_modules`).join('; ')}.`,
        proposal: 'Keep externalModules: [] in lib/platform-function.ts.',
        where: 'lib/platform-function.ts',
      });
    }
  }

  const cpuOps: any[] = report.cpu?.operations ?? [];
  const get = cpuOps.find((entry) => entry.id === 'scim.users.get');
  if (get?.inProcess && get.profile) {
    const sdk = (get.profile.byPackage ?? []).filter((entry: any) => /^@(aws-sdk|smithy)\//.test(entry.name)).reduce((sum: number, entry: any) => sum + entry.share, 0);
    const lambdaFactor = 1769 / 256;
    out.push({
      kind: 'latency',
      title: 'CPU per request is milliseconds, most of it in the AWS SDK: at 256 MB Lambda multiplies it by ~7',
      evidence: `In-process CPU per request: ${cpuOps
        .filter((entry) => entry.inProcess)
        .map((entry) => `${entry.id} ${f(entry.inProcess.cpuMsMedian)} ms`)
        .join(', ')}. Profile of GET /Users/{id}: ${(get.profile.byPackage ?? [])
        .slice(0, 6)
        .map((entry: any) => `${entry.name} ${Math.round(entry.share * 100)}%`)
        .join(', ')} (SDK ${Math.round(sdk * 100)}%). Lambda gives a 256 MB function ~${f(256 / 1769, 2)} vCPU, so ${f(get.inProcess.cpuMsMedian)} ms of CPU here is ~${f(get.inProcess.cpuMsMedian * lambdaFactor, 0)} ms of billed duration there (on a core like this one).`,
      proposal: 'Size the hot SCIM functions (get, list, patch) at 512–1024 MB and measure cost per request in AWS (duration × memory often falls when CPU-bound); fewer round trips (findings above) cut CPU as much as latency, since each SDK call costs roughly 1 ms of CPU here.',
      where: 'shared/route-table/scim.ts memoryMb (SCIM owners)',
    });
  }

  const exports: any[] = audit?.exports ?? [];
  const largest = exports.filter((entry) => entry.status === 302 || entry.status === 200).at(-1) ?? exports.at(-1);
  const smallest = exports.find((entry) => entry.requested === 20_000) ?? exports[0];
  if (largest && smallest) {
    const rate = largest.entriesPerSecond;
    const limit = 300;
    const reads: any[] = audit.engineRead ?? [];
    const readText = reads.length === 2 ? ` DynamoDB Local alone reads the log at ${f(reads[0].entriesPerSecond, 0)} entries/s from its start and ${f(reads[1].entriesPerSecond, 0)} entries/s from 90% deep (each page seeks from its ExclusiveStartKey, which costs the local engine more the deeper it is), so the export's pace is the engine's.` : '';
    out.push({
      kind: largest.seconds > limit || (rate > 0 && 1_000_000 / rate > limit) ? 'latency' : 'confirmed',
      title: "Audit export memory is flat; its duration is not: a large export outlives API Gateway's 29 s",
      evidence: `Peak RSS ${f(smallest.peakRssMb)} MB for ${f(smallest.entries, 0)} entries and ${f(largest.peakRssMb)} MB for ${f(largest.entries, 0)} entries (${f(largest.bytes / 1048576)} MB of CSV${largest.status >= 400 || largest.status === 0 ? `, status ${largest.status}` : ''}) in ${f(largest.seconds)} s, i.e. ${f(rate, 0)} entries/s${largest.seconds > limit ? ` — beyond the function's ${limit} s timeout (the bench lifted it to measure the whole run)` : ` → ~${f(1_000_000 / Math.max(1, rate), 0)} s for 1,000,000 entries at that pace`}.${readText}`,
      proposal: 'Keep the streaming design (memory stays flat). For large ranges answer 202 with an export id and let a worker (the same function invoked asynchronously, or a Step Functions task per day range) write the file; GET the export id for its status and presigned URL. Raising the REST integration timeout quota only moves the cliff.',
      where: 'functions/identity/audit/export-audit-log.ts, shared/audit/audit-export.ts (audit owners)',
    });
  }

  const group = report.scale?.bigGroup;
  if (group?.comparisons) {
    const add = group.comparisons.find((entry: any) => entry.operation === 'PATCH add one member');
    const inline = group.comparisons.find((entry: any) => entry.operation === 'GET group with members inline');
    out.push({
      kind: 'confirmed',
      title: `Membership changes stay flat with a ${f(group.members, 0)}-member group; only the inline member list grows`,
      evidence: `Add one member: ${add?.small?.roundTrips} round trips / ${f(add?.small?.wallMsMedian)} ms on an empty group vs ${add?.big?.roundTrips} / ${f(add?.big?.wallMsMedian)} ms on the big one. GET with members inline: ${inline?.small?.roundTrips} round trips, ${f(inline?.small?.readCapacityUnits)} RCU small vs ${inline?.big?.roundTrips}, ${f(inline?.big?.readCapacityUnits)} RCU, ${f(inline?.big?.wallMsMedian)} ms big (linear, as designed; IdPs read groups with excludedAttributes=members). Not measured here but visible in the code: a PATCH replace of members (Okta) and a PUT read every membership (currentMemberIds without ids) — O(members) per call.`,
      proposal: 'Nothing for adds/removes. For replace on large groups, diff against the membership in pages rather than loading all ids at once.',
      where: 'shared/scim/groups.ts changeGroup',
    });
  }

  const sync = report.sync;
  const scales = sync?.full && sync.delta && sync.emptyDelta ? deltaReadsScaleWithChanges(sync.changedUsers, sync.delta.readCapacityUnits, sync.emptyDelta.readCapacityUnits) : undefined;
  if (sync?.full && scales === true) {
    out.push({
      kind: 'confirmed',
      title: "A delta sync's reads scale with the changes, not the directory",
      evidence: `Delta after ${f(sync.changedUsers, 0)} of ${f(sync.directoryUsers, 0)} users changed: ${f(sync.delta.readCapacityUnits)} RCU (${f(sync.delta.readCapacityUnits / Math.max(1, sync.changedUsers))} per changed object, budget ${DELTA_READS_PER_CHANGED_OBJECT}) in ${f(sync.delta.roundTrips, 0)} round trips (${JSON.stringify(sync.delta.calls)}); a delta with nothing changed reads ${f(sync.emptyDelta.readCapacityUnits)} RCU in ${f(sync.emptyDelta.roundTrips, 0)} round trips whatever the directory's size. The full run wrote ${f(sync.full.writeCapacityUnits / Math.max(1, sync.full.counts?.processed ?? 1))} WCU per object (the user, its userName claim, counter, DN link, attribute snapshot, person key items, audit entry and change record, all transactional).`,
      proposal: 'Nothing for reads. Writes per created object are the price of one transaction per change with its audit entry; a first import of a very large directory could batch the change records further.',
      where: 'shared/directory/sync-state.ts (lookups by directory id), shared/directory/sync-apply.ts',
    });
  }
  if (sync?.full && scales === false) {
    out.push({
      kind: 'cost',
      title: "A delta sync's reads grow with the directory, not with the changes",
      evidence: `Delta after ${f(sync.changedUsers, 0)} of ${f(sync.directoryUsers, 0)} users changed: ${f(sync.delta.readCapacityUnits)} RCU in ${f(sync.delta.roundTrips, 0)} round trips (${JSON.stringify(sync.delta.calls)}); a delta with nothing changed still reads ${f(sync.emptyDelta.readCapacityUnits)} RCU; the full run read ${f(sync.full.readCapacityUnits)} RCU for ${f(sync.full.counts?.processed, 0)} objects. Delta ÷ full RCU ${f(sync.delta.ratioToFull?.readCapacityUnits, 3)} against a changed share of ${f(sync.delta.ratioToFull?.changedShare, 4)}.`,
      proposal: "Read only the stored records of the changed entries (by their directory id on the connection's gsi2 partition, or a batch get through a directory-id claim), and read the connection's whole set only in full runs, where disappeared objects must be found.",
      where: 'shared/directory/sync-run.ts (stored users and groups read per run), shared/storage/users.ts byConnection',
    });
  }

  const listing = report.directory?.points?.at(-1);
  if (listing?.nextPageInOrder && listing?.minimum) {
    const flat = (report.directory.points as any[]).every((point) => point.nextPageInOrder.roundTrips === listing.nextPageInOrder.roundTrips);
    const timedOut = (report.directory.points as any[]).flatMap((point) =>
      [
        ['a jump to the last page', point.jump],
        ['status=active', point.filteredStatusActive],
      ]
        .filter(([, cost]) => Object.keys(cost?.statuses ?? {}).some((status) => status !== '200'))
        .map(([name, cost]) => `${name} at ${f(point.users, 0)} users (${JSON.stringify(cost.statuses)}, ${f(cost.wallMsMedian, 0)} ms)`),
    );
    out.push({
      kind: flat && timedOut.length === 0 ? 'confirmed' : flat ? 'latency' : 'cost',
      title: `Directory API user pages ${flat ? 'cost the same at every size' : 'grow with the organization'}`,
      evidence: `Next page of ${report.directory.pageSize} in order: ${(report.directory.points as any[]).map((point) => `${point.nextPageInOrder.roundTrips} round trips / ${f(point.nextPageInOrder.readCapacityUnits)} RCU at ${f(point.users, 0)} users`).join(', ')} (minimum ${listing.minimum.roundTrips} / ${f(listing.minimum.readUnits)}). A jump to page ${listing.jump.page} reads the ${f(listing.jump.keysSkipped, 0)} skipped items (${f(listing.jump.readCapacityUnits)} RCU: a keys-only projection does not reduce read units; the same jump again ${f(listing.jumpAgain?.readCapacityUnits)} RCU, from the boundaries the first left) and status=active reads every user (${(report.directory.points as any[]).filter((point) => point.filteredStatusActive).map((point) => `${f(point.filteredStatusActive.readCapacityUnits)} RCU, ${f(point.filteredStatusActive.wallMsMedian, 0)} ms at ${f(point.users, 0)} users`).join('; ')}).${timedOut.length ? ` Cut at the route's timeout (503): ${timedOut.join('; ')}.` : ''}`,
      proposal: `Walk pages in order (the CSV export pattern does).${timedOut.length ? ' Filtered listings and cold deep jumps of large organizations do not fit the route\'s timeout on this engine:' : ''} index status (and department) as gsi partitions of their own with counters, as the unfiltered listing is, so filtered pages read one page too; a first deep jump stays proportional to its depth (a retry continues from the boundaries it left).`,
      where: 'shared/directory/users.ts listUsers, shared/directory/pages.ts indexedPage',
    });
  }

  const rateLimit = report.rateLimit;
  if (rateLimit?.steady?.length) {
    const perRequest = (rateLimit.steady as any[]).map((run) => `${f(run.writesPerRequest, 4)} at c=${run.concurrency} (${f(run.rateLimitWrites, 0)} writes for ${f(run.requests, 0)} requests)`).join(', ');
    const checks = ((rateLimit.bounds ?? []) as any[]).map((check) => `K=${check.instances}: ${f(check.admitted, 0)} admitted of ${f(check.sent, 0)}${check.admittedAtFirstRefusal !== undefined ? ` (${f(check.admittedAtFirstRefusal, 0)} at the first refusal)` : ''} against ${f(check.bound.min, 0)}–${f(check.bound.max, 0)}${check.holds ? '' : ' (VIOLATED)'}`).join('; ');
    out.push({
      kind: rateLimit.meetsTarget && rateLimit.boundsHold ? 'confirmed' : rateLimit.boundsHold ? 'cost' : 'correctness',
      title: `Leased SCIM rate limiting: ${rateLimit.meetsTarget ? 'within' : 'above'} ${rateLimit.target} writes per request${rateLimit.boundsHold ? ', limits hold within the bound' : ', a bound does NOT hold'}`,
      evidence: `Rate-limit writes per SCIM request at steady load: ${perRequest} (before leasing: 1 per request). At 32-way concurrency: ${checks}.`,
      proposal: rateLimit.meetsTarget && rateLimit.boundsHold ? 'None; keep exact counting for the directory and governance APIs, whose limits are published.' : 'Read the lease arithmetic (shared/rate-limits/lease.ts) against the failing figure.',
      where: 'shared/rate-limits/leased-rate-limiter.ts, shared/rate-limits/lease.ts, shared/storage/rate-counters.ts leaseRequests',
    });
  }

  out.push({
    kind: 'tooling',
    title: 'DynamoDB Local under-reports TransactWriteItems capacity',
    evidence: 'It reports one item per partition touched (five new items in one partition: 2 WCU instead of 10). The instrumentation therefore charges transactions by DynamoDB\'s documented rules (2 WCU per KB per item and per index entry, item sizes from the request or from the same request\'s earlier reads) and keeps the engine\'s own figure as engineReportedTransactionUnits.',
    proposal: 'Read transactional write units in this report as computed, not engine-reported; confirm in AWS with CloudWatch ConsumedWriteCapacityUnits.',
    where: 'bench/lib/dynamo-usage.ts (instrumentation)',
  });

  return out;
}
