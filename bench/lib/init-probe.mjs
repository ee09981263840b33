// Cold-start probe: run in a fresh `node` process (no loader), it imports one function bundle the
// way the Lambda runtime does and reports how long module initialisation took.
const bundle = process.argv[2];
const started = performance.now();
await import(bundle);
const initMs = performance.now() - started;
const report = { initMs, processMs: performance.now(), rssMb: process.memoryUsage().rss / 1048576 };
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(0);
