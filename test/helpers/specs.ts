/** Where the tests find etcd's spec files: $ETCD_SPECS_DIR, else ../shared/specs next to the repository. */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const specsDir: string = (() => {
  const dir = process.env['ETCD_SPECS_DIR'] ?? join(repoRoot, '../shared/specs');
  if (!existsSync(dir)) throw new Error(`etcd spec files not found at ${dir}: set ETCD_SPECS_DIR`);
  return resolve(dir);
})();

/** Every etcd version with specs, oldest first: ['3.2.32', …, '3.6.14']. */
export const specVersions: string[] = readdirSync(specsDir)
  .filter((d) => /^v\d+\.\d+\.\d+$/.test(d))
  .map((d) => d.slice(1))
  .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

export const specDirOf = (version: string): string => join(specsDir, `v${version}`);
