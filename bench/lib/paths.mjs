// Where things are: the repository, bench/, its scratch directory (git-ignored) and etcd's specs.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(benchDir, '..');
export const workDir = join(benchDir, '.work');
export const benchModules = join(benchDir, 'node_modules');

export const specsDir = (() => {
  const dir = resolve(process.env['ETCD_SPECS_DIR'] ?? join(repoRoot, '../shared/specs'));
  if (!existsSync(dir)) throw new Error(`bench: etcd spec files not found at ${dir}: set ETCD_SPECS_DIR`);
  return dir;
})();

export const ETCD_VERSION = '3.6.14';
export const specDirOf = (version = ETCD_VERSION) => join(specsDir, `v${version}`);
/** The project's CLI as users run it after `npm run build`. */
export const cli = join(repoRoot, 'dist/generator/bin.js');
