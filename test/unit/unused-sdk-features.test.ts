import { describe, expect, it } from 'vitest';
import { EndpointCache, EventStreamSerde, UnusedSdkFeatureError, eventStreamSerdeProvider, resolveEventStreamSerdeConfig } from '../../shared/aws/unused-sdk-features.ts';

describe('SDK stand-ins in the bundles (shared/aws/unused-sdk-features.ts)', () => {
  it('let a client be configured as the SDK would: the config gains the provider’s marshaller', () => {
    const config = { region: 'eu-west-1', eventStreamSerdeProvider };
    const resolved = resolveEventStreamSerdeConfig(config);
    expect(resolved).toBe(config);
    expect(resolved.eventStreamMarshaller).toBe(eventStreamSerdeProvider());
    expect(() => new EndpointCache(1000)).not.toThrow();
  });

  it('fail loudly, naming the module, on any use of an event stream or the endpoint cache', () => {
    const marshaller = eventStreamSerdeProvider({});
    expect(() => marshaller.serialize({}, {})).toThrow(UnusedSdkFeatureError);
    expect(() => marshaller.deserialize({}, {})).toThrow(/event-stream codec is not bundled .*unused-sdk-features\.ts/);
    expect(() => new EventStreamSerde({})).toThrow(UnusedSdkFeatureError);
    const cache = new EndpointCache(1000);
    for (const use of [() => cache.get('k'), () => cache.getEndpoint('k'), () => cache.set('k', []), () => cache.has('k'), () => cache.delete('k'), () => cache.clear()]) {
      expect(use).toThrow(/DynamoDB endpoint discovery is not bundled/);
    }
  });
});
