/**
 * `npm run bench`: the platform's benchmarks — cost per operation, latency under load against the
 * engine's own ceiling, growth with data, cold start, audit export memory, CPU per request.
 * Starts the local runtime itself; writes bench/results/<timestamp>.json|.svg and latest.json|.svg.
 *
 * The environment is set before anything else loads: the instrumented DynamoDB client
 * (BENCH_INSTRUMENT) and the rate limits (read once at module load) must see it.
 */
process.env.BENCH_INSTRUMENT = '1';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

const { main } = await import('./lib/main.ts');
try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
