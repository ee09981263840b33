import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RouteDefinition } from '../routes.ts';

/** Folder next to a function's bundle that holds its route's `packageFiles` (see lib/platform-function.ts). */
export const PACKAGE_FILES_FOLDER = 'package-files';

const cache = new Map<string, Promise<Buffer>>();

/**
 * Reads a file the route declares in `packageFiles`: in Lambda from the copy next to the bundle,
 * locally from node_modules. Files are read once per cold start.
 */
export function readPackageFile(route: RouteDefinition, packageName: string, file: string): Promise<Buffer> {
  const declared = route.packageFiles?.some((entry) => entry.package === packageName && entry.files.includes(file));
  if (!declared) return Promise.reject(new Error(`Route ${route.id} does not declare ${packageName}/${file} in packageFiles`));
  const key = `${packageName}/${file}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = load(packageName, file);
    pending.catch(() => cache.delete(key));
    cache.set(key, pending);
  }
  return pending;
}

async function load(packageName: string, file: string): Promise<Buffer> {
  const bundled = join(dirname(fileURLToPath(import.meta.url)), PACKAGE_FILES_FOLDER, packageName, file);
  try {
    return await readFile(bundled);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const requireFrom = createRequire(import.meta.url);
  return readFile(join(dirname(requireFrom.resolve(`${packageName}/package.json`)), file));
}
