/**
 * Clients of every etcd version for the version tests: the six with specs in ETCD_SPECS_DIR and the synthesized
 * 3.0- and 3.1-shaped ones (see shapes.ts), each generated once per process into .tmp/versions/clients/.
 */
import { join } from 'node:path';
import { generate } from '../../generator/generate.js';
import { repoRoot, specsDir, specVersions } from '../helpers/specs.js';
import { SYNTHESIZED, writeSynthesizedSpecs } from './shapes.js';

/** Oldest first: the synthesized versions, then those with real specs. */
export const ALL_VERSIONS: readonly string[] = [...SYNTHESIZED, ...specVersions];

const pending = new Map<string, Promise<string>>();

export function specDirFor(version: string): string {
  return (SYNTHESIZED as readonly string[]).includes(version) ? writeSynthesizedSpecs() : specsDir;
}

/** Generate (once) the client of `versions` (one, or several for a client over them) and return its directory. */
export function versionClientDir(...versions: string[]): Promise<string> {
  const key = versions.join('+');
  let dir = pending.get(key);
  if (!dir) {
    const out = join(repoRoot, '.tmp/versions/clients', key, 'client');
    const specDirs = new Set(versions.map(specDirFor));
    const options = specDirs.size === 1 ? { etcd: versions, specDir: [...specDirs][0]! } : { specs: versions.map((v) => join(specDirFor(v), `v${v}`)) };
    dir = generate({ ...options, out, force: true }).then(() => out);
    pending.set(key, dir);
  }
  return dir;
}
