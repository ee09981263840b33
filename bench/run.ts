/**
 * `npm run bench`: the platform's benchmarks — cost per operation, latency under load against the
 * engine's own ceiling, growth with data, cold start, audit export memory, CPU per request.
 * Starts the local runtime itself; writes bench/results/<timestamp>.json|.svg and latest.json|.svg.
 *
 * Before anything else loads: the environment (rate limits are read once at module load), and the
 * DynamoDB usage counting, which must be registered before the platform creates its client.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

const { installDynamoUsageCounting } = await import('./lib/dynamo-usage.ts');
installDynamoUsageCounting();
const { main } = await import('./lib/main.ts');
try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
