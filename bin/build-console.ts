import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { consoleIndexFile } from '../lib/console-site.ts';

/**
 * `npm run build`: builds the admin console (console/, Vite) into console/dist. With `--if-stale`
 * (the pretest, presynth and prestart scripts) it builds only when dist is missing or older than
 * any source file, so a fresh clone's `npm test` and `npm run synth` get a console without a step.
 */
const consoleDir = resolve(import.meta.dirname, '..', 'console');

function newestSourceMtime(): number {
  let newest = 0;
  const visit = (path: string, depth: number) => {
    if (depth > 8) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name), depth + 1);
    } else {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const entry of ['index.html', 'vite.config.ts', 'src']) visit(join(consoleDir, entry), 0);
  visit(resolve(consoleDir, '..', 'package-lock.json'), 0);
  return newest;
}

/** True when console/dist is missing or older than a source file. */
export function consoleBuildIsStale(): boolean {
  const index = consoleIndexFile();
  return !existsSync(index) || statSync(index).mtimeMs < newestSourceMtime();
}

/** Builds the console with Vite (its config: console/vite.config.ts); `ifStale` skips an up-to-date build. */
export async function buildConsole(options: { ifStale?: boolean; quiet?: boolean } = {}): Promise<boolean> {
  if (options.ifStale && !consoleBuildIsStale()) return false;
  const { build } = await import('vite');
  await build({ configFile: join(consoleDir, 'vite.config.ts'), logLevel: options.quiet ? 'warn' : 'info' });
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const ifStale = process.argv.includes('--if-stale');
  buildConsole({ ifStale }).then(
    (built) => {
      if (!built) console.warn('console: console/dist is up to date');
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
