/**
 * The local runtime's reader of the table's stream (DynamoDB Local implements DynamoDB Streams):
 * what Lambda's event source mapping does in AWS — follow every shard of the table's latest stream
 * in order, shard after shard, and hand the records on in the shape a Lambda stream event carries.
 * Never used against AWS. The delivery to `auditStream` workers is lib/local/workers.ts's job.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record, type Shard } from '@aws-sdk/client-dynamodb-streams';

export interface LocalTableStreamOptions {
  endpoint: string;
  tableName: string;
  /** Pause between polls of a shard that had nothing new, in ms (Lambda polls a shard about 4 times a second). */
  pollIntervalMs?: number;
  /**
   * Receives each non-empty page of records in stream order; the next page is read only after it
   * settles, as Lambda processes one batch per shard at a time. Should not throw; a rejection is
   * reported to `onError` and the records are not offered again.
   */
  onRecords: (records: DynamoDBRecord[]) => Promise<void>;
  onError: (error: unknown) => void;
}

export interface LocalTableStream {
  /** Stops polling and waits for the records being delivered. */
  stop(): Promise<void>;
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
/** How often the shard list is read again for shards opened since (DynamoDB Local rolls shards over). */
const SHARD_REFRESH_MS = 5_000;

/** The Lambda event's record from the Streams API's record (dates become epoch seconds). */
function lambdaRecord(record: _Record, tableStreamArn: string): DynamoDBRecord {
  const stream = record.dynamodb;
  return {
    ...(record.eventID ? { eventID: record.eventID } : {}),
    ...(record.eventName ? { eventName: record.eventName } : {}),
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'local',
    eventSourceARN: tableStreamArn,
    dynamodb: {
      ...(stream?.ApproximateCreationDateTime ? { ApproximateCreationDateTime: Math.floor(stream.ApproximateCreationDateTime.getTime() / 1000) } : {}),
      ...(stream?.Keys ? { Keys: stream.Keys as NonNullable<DynamoDBRecord['dynamodb']>['Keys'] } : {}),
      ...(stream?.NewImage ? { NewImage: stream.NewImage as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'] } : {}),
      ...(stream?.OldImage ? { OldImage: stream.OldImage as NonNullable<DynamoDBRecord['dynamodb']>['OldImage'] } : {}),
      ...(stream?.SequenceNumber ? { SequenceNumber: stream.SequenceNumber } : {}),
      ...(stream?.SizeBytes !== undefined ? { SizeBytes: stream.SizeBytes } : {}),
      ...(stream?.StreamViewType ? { StreamViewType: stream.StreamViewType } : {}),
    },
  };
}

/**
 * Starts following the table's stream from now on (records written before the start are not
 * delivered: a restarted local runtime does not replay its history; the governance sweep covers
 * what happened while it was down).
 *
 * @throws Error when the table has no stream (ensureTable turns it on)
 */
export async function followLocalTableStream(options: LocalTableStreamOptions): Promise<LocalTableStream> {
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const config = { endpoint: options.endpoint, region: 'us-east-1', credentials };
  const tables = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  const { Table: table } = await tables.send(new DescribeTableCommand({ TableName: options.tableName }));
  tables.destroy();
  const streamArn = table?.LatestStreamArn;
  if (!streamArn) {
    streams.destroy();
    throw new Error(`Table ${options.tableName} has no stream`);
  }

  const listShards = async (): Promise<Shard[]> => {
    const shards: Shard[] = [];
    let start: string | undefined;
    for (let page = 0; page < 100; page += 1) {
      const { StreamDescription: description } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ...(start ? { ExclusiveStartShardId: start } : {}) }));
      shards.push(...(description?.Shards ?? []));
      start = description?.LastEvaluatedShardId;
      if (!start) break;
    }
    return shards;
  };

  /** Shards being read (id → next iterator) and shards finished or claimed, so none is read twice. */
  const iterators = new Map<string, string>();
  const seen = new Set<string>();
  const open = async (shardId: string, from: 'LATEST' | 'TRIM_HORIZON') => {
    seen.add(shardId);
    const { ShardIterator: iterator } = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: from }));
    if (iterator) iterators.set(shardId, iterator);
  };
  // At start: the open shards from their latest record. Later: every new shard (a child of one we
  // read, or a new one) from its beginning, so nothing written after the start is missed.
  for (const shard of await listShards()) {
    if (shard.ShardId && !shard.SequenceNumberRange?.EndingSequenceNumber) await open(shard.ShardId, 'LATEST');
    else if (shard.ShardId) seen.add(shard.ShardId);
  }

  let stopped = false;
  let lastRefresh = Date.now();
  const loop = (async () => {
    while (!stopped) {
      let delivered = false;
      try {
        if (Date.now() - lastRefresh > SHARD_REFRESH_MS || iterators.size === 0) {
          lastRefresh = Date.now();
          for (const shard of await listShards()) if (shard.ShardId && !seen.has(shard.ShardId)) await open(shard.ShardId, 'TRIM_HORIZON');
        }
        for (const [shardId, iterator] of [...iterators]) {
          if (stopped) break;
          const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 })).catch(async (error: unknown) => {
            // An expired or trimmed iterator (the local runtime slept): carry on from the shard's latest record.
            options.onError(error);
            await open(shardId, 'LATEST');
            return undefined;
          });
          if (!page) continue;
          if (page.NextShardIterator) iterators.set(shardId, page.NextShardIterator);
          else {
            iterators.delete(shardId);
            lastRefresh = 0; // a closed shard has children: look for them now
          }
          const records = (page.Records ?? []).map((record) => lambdaRecord(record, streamArn));
          if (records.length === 0) continue;
          delivered = true;
          await options.onRecords(records).catch(options.onError);
        }
      } catch (error) {
        if (!stopped) options.onError(error);
      }
      if (!delivered && !stopped) await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      await loop;
      streams.destroy();
    },
  };
}
