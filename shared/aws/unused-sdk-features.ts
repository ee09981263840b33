/**
 * Two AWS SDK features inside a Lambda bundle that no call of this platform uses, replaced by
 * stand-ins that keep client construction working and fail loudly on any use.
 *
 * - **Event streams** (`@smithy/core/event-streams`, about 19 KB minified): the binary
 *   `application/vnd.amazon.eventstream` framing of a few operations (S3 SelectObjectContent, Lambda
 *   InvokeWithResponseStream, Bedrock, Transcribe). DynamoDB has none, nor do the S3 calls the
 *   platform makes (upload, HeadBucket, presigned GetObject). Every bundled client carried the codec
 *   anyway: the protocols load it with a dynamic `import()`, which esbuild inlines in a one-file
 *   bundle, and the S3 client builds its marshaller when it is constructed.
 * - **DynamoDB endpoint discovery's cache** (`@aws-sdk/endpoint-cache` with its LRU from mnemonist,
 *   about 8 KB): the DynamoDB client still creates the cache in its constructor, but none of its
 *   commands applies the endpoint-discovery middleware (@aws-sdk/client-dynamodb 3.1164 as locked),
 *   so nothing reads or writes it.
 *
 * esbuild replaces those two modules with this one when it builds a function (`--alias`,
 * lib/platform-function.ts `bundlingOptions`), as it replaces the credential chain
 * (shared/aws/lambda-credentials.ts). What a client calls at construction behaves as the SDK's; every
 * other use throws {@link UnusedSdkFeatureError}, naming this module, instead of misreading bytes. So
 * nothing changes for any call the platform makes. test/infra/route-bundles.test.ts checks that no
 * bundle carries either feature, and test/integration/deployed-bundles.test.ts runs built bundles
 * against the local engines. Locally nothing is bundled: the SDK keeps both.
 */

/** Thrown by any use of a feature this module stands in for. */
export class UnusedSdkFeatureError extends Error {
  constructor(feature: string) {
    super(`${feature} is not bundled in this function (shared/aws/unused-sdk-features.ts); put the SDK module back in lib/platform-function.ts to use it`);
    this.name = 'UnusedSdkFeatureError';
  }
}

const EVENT_STREAMS = 'the AWS SDK event-stream codec';
const ENDPOINT_DISCOVERY = 'DynamoDB endpoint discovery';

/** The marshaller a client is configured with: every use throws {@link UnusedSdkFeatureError}. */
export interface UnavailableEventStreamMarshaller {
  serialize(input: unknown, serializer: unknown): never;
  deserialize(body: unknown, deserializer: unknown): never;
}

const unavailableMarshaller: UnavailableEventStreamMarshaller = {
  serialize() {
    throw new UnusedSdkFeatureError(EVENT_STREAMS);
  },
  deserialize() {
    throw new UnusedSdkFeatureError(EVENT_STREAMS);
  },
};

/** Same signature as the SDK's `eventStreamSerdeProvider` (called once per client at construction). */
export function eventStreamSerdeProvider(_options?: unknown): UnavailableEventStreamMarshaller {
  return unavailableMarshaller;
}

/**
 * Same behaviour as the SDK's `resolveEventStreamSerdeConfig`: adds the marshaller built by the
 * config's `eventStreamSerdeProvider` to the client config (mutating and returning it).
 */
export function resolveEventStreamSerdeConfig<T extends { eventStreamSerdeProvider: (input: T) => unknown }>(input: T): T & { eventStreamMarshaller: unknown } {
  return Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });
}

/**
 * What a protocol's `loadEventStreamCapability` constructs for an operation with an event stream.
 *
 * @throws UnusedSdkFeatureError always.
 */
export class EventStreamSerde {
  constructor(_options?: unknown) {
    throw new UnusedSdkFeatureError(EVENT_STREAMS);
  }
}

/**
 * Stands in for @aws-sdk/endpoint-cache's `EndpointCache`: constructing it (as the DynamoDB client's
 * config does) is free; reading or writing it throws {@link UnusedSdkFeatureError}.
 */
export class EndpointCache {
  constructor(_capacity?: number) {}
  getEndpoint(_key: string): never {
    throw new UnusedSdkFeatureError(ENDPOINT_DISCOVERY);
  }
  get(_key: unknown): never {
    throw new UnusedSdkFeatureError(ENDPOINT_DISCOVERY);
  }
  set(_key: string, _endpoints: unknown): never {
    throw new UnusedSdkFeatureError(ENDPOINT_DISCOVERY);
  }
  delete(_key: string): never {
    throw new UnusedSdkFeatureError(ENDPOINT_DISCOVERY);
  }
  has(_key: string): never {
    throw new UnusedSdkFeatureError(ENDPOINT_DISCOVERY);
  }
  clear(): never {
    throw new UnusedSdkFeatureError(ENDPOINT_DISCOVERY);
  }
}
