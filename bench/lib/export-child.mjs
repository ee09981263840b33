// Audit export probe: a fresh `node` process (as a Lambda instance would be) that loads the bundled
// export function (or the audit-export worker), invokes it once with an API Gateway event (or an
// SQS event) and reports time and peak memory. test/integration/deployed-bundles.test.ts runs other
// route bundles through it too, with `body` as a fourth argument to have the response body reported.
import { readFileSync } from 'node:fs';

const [bundleUrl, eventFile, deadlineArg, withBody] = process.argv.slice(2);
// The Lambda deadline the handler sees (middy answers 500 just before it); the bench may lift it.
const deadline = Date.now() + Number(deadlineArg ?? 300_000);
const rssAtStartMb = process.memoryUsage().rss / 1048576;
const started = performance.now();
const { handler } = await import(bundleUrl);
const loaded = performance.now();
const rssAfterInitMb = process.memoryUsage().rss / 1048576;
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: event.Records ? 'audit-export' : 'identity-audit-export',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:identity-audit-export',
  memoryLimitInMB: '512',
  awsRequestId: event.requestContext?.requestId ?? event.Records?.[0]?.messageId ?? 'bench',
  logGroupName: '/aws/lambda/identity-audit-export',
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};
const result = await handler(event, context);
const finished = performance.now();
// A queue worker answers { batchItemFailures }: none is a success.
const status = result?.statusCode ?? (Array.isArray(result?.batchItemFailures) && result.batchItemFailures.length === 0 ? 200 : 500);
const report = {
  status,
  headers: result?.headers ?? {},
  bodyBytes: Buffer.byteLength(result?.body ?? ''),
  initMs: loaded - started,
  handlerMs: finished - loaded,
  rssAtStartMb,
  rssAfterInitMb,
  rssEndMb: process.memoryUsage().rss / 1048576,
  heapUsedEndMb: process.memoryUsage().heapUsed / 1048576,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
  ...(withBody === 'body' ? { body: result?.body ?? '' } : {}),
};
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(0);
