/*
 * X-Ray tracing inside the functions with Powertools for AWS Lambda's `Tracer`: the invocation as a
 * `## <route or worker id>` subsegment (cold-start, service and route/worker annotations, errors as
 * metadata) and every AWS SDK client the platform makes (DynamoDB, S3, KMS, SQS, Lambda, Scheduler,
 * Secrets Manager) captured, so each call is a subsegment of it.
 *
 * Opt-in per build: the Tracer pulls in aws-xray-sdk-core (about 125 KB minified, +37 % on the
 * reference bundle) which would break issue 17's bound of 1.15 × the reference, so bundles carry
 * it only when CDK defines `globalThis.__PLATFORM_SDK_TRACING__` as true (context
 * `identity-platform:sdkTracing`, lib/platform-function.ts); otherwise esbuild drops the import as
 * dead code. Without it, Lambda's active tracing still records each invocation and API Gateway's
 * trace, only without SDK subsegments. Unbundled (local runtime, tests) PLATFORM_SDK_TRACING=true
 * loads it; Powertools then disables itself outside Lambda or with POWERTOOLS_TRACE_ENABLED=false,
 * so nothing is sent without an X-Ray daemon.
 */

declare global {
  /** Set by esbuild's `define` in every bundle (lib/platform-function.ts); undefined when unbundled. */
  var __PLATFORM_SDK_TRACING__: boolean | undefined;
}

const sdkTracing = globalThis.__PLATFORM_SDK_TRACING__ ?? process.env.PLATFORM_SDK_TRACING === 'true';
const powertools = sdkTracing ? await import('@aws-lambda-powertools/tracer') : undefined;

/** The process's tracer, or undefined when this build or process does not trace SDK calls. */
export const tracer = powertools ? new powertools.Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'identity-platform' }) : undefined;

/**
 * Captures an AWS SDK v3 client so each of its calls is an X-Ray subsegment (returns the same
 * client; unchanged when tracing is off). Call once per client, when it is created.
 */
export function traceAwsClient<Client>(client: Client): Client {
  return tracer ? (tracer.captureAWSv3Client(client as Parameters<NonNullable<typeof tracer>['captureAWSv3Client']>[0]) as Client) : client;
}

/**
 * Runs one invocation inside a `## <name>` subsegment of the Lambda's segment, annotated with
 * ColdStart, Service and `annotation` (e.g. `{ route: id }`), an error recorded as metadata.
 * Without a tracer, or outside Lambda, it just runs `work`.
 */
export async function traceInvocation<T>(name: string, annotation: Readonly<Record<string, string>>, work: () => Promise<T>): Promise<T> {
  const active = tracer?.isTracingEnabled() ? tracer : undefined;
  const parent = active?.getSegment();
  if (!active || !parent) return work();
  const subsegment = parent.addNewSubsegment(`## ${name}`);
  active.setSegment(subsegment);
  active.annotateColdStart();
  active.addServiceNameAnnotation();
  for (const [key, value] of Object.entries(annotation)) active.putAnnotation(key, value);
  try {
    return await work();
  } catch (error) {
    active.addErrorAsMetadata(error as Error);
    throw error;
  } finally {
    subsegment.close();
    active.setSegment(parent);
  }
}
