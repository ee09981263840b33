import { parseArgs } from 'node:util';
import { startLocalPlatform } from '../lib/local/platform.ts';

/**
 * `npm start`: runs the whole platform on this machine. Data lives under DATA_DIR (default
 * `.data/`) across restarts; `npm start -- --in-memory` keeps nothing.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'in-memory': { type: 'boolean', default: false } }, allowPositionals: false });
  const started = performance.now();
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got '${process.env.PORT}'`);
  const platform = await startLocalPlatform({
    port,
    host: process.env.HOST ?? '127.0.0.1',
    inMemory: values['in-memory'] ?? false,
    // The first request within seconds matters more here than the engine's peak speed.
    fastStart: true,
    dataDir: process.env.DATA_DIR ?? '.data',
    publicBaseUrl: process.env.PUBLIC_BASE_URL,
    operatorApiKey: process.env.OPERATOR_API_KEY,
    bootstrapOwnerEmail: process.env.BOOTSTRAP_OWNER_EMAIL,
    bootstrapOwnerPassword: process.env.BOOTSTRAP_OWNER_PASSWORD,
  });

  const lines = [
    `Identity platform listening on ${platform.baseUrl} (ready in ${Math.round(performance.now() - started)} ms)`,
    `  data:          ${values['in-memory'] ? 'in memory (discarded on exit)' : (process.env.DATA_DIR ?? '.data')}`,
    `  organization:  ${platform.bootstrap.organizationId}`,
    `  owner email:   ${platform.bootstrap.ownerEmail}`,
  ];
  if (platform.bootstrap.generatedOwnerPassword) {
    lines.push(`  owner password (shown once, not stored in clear): ${platform.bootstrap.generatedOwnerPassword}`);
  }
  if (platform.operatorKeyGenerated) lines.push(`  operator key (X-Operator-Key, this run only): ${platform.operatorApiKey}`);
  lines.push(`  health:        ${platform.baseUrl}/api/health`);
  if ((process.env.POWERTOOLS_LOG_LEVEL ?? '').toUpperCase() === 'DEBUG') {
    const phases = { 'process start to main()': Math.round(started), ...platform.startupPhasesMs };
    lines.push(`  startup phases (ms): ${Object.entries(phases).map(([phase, ms]) => `${phase} ${ms}`).join(', ')}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the platform and its engines\n`);
    platform.stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Could not start the platform: ${(error as Error).message}\n`);
  process.exit(1);
});
