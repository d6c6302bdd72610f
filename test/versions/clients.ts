/**
 * Clients of every etcd version for the version tests: the six with specs in ETCD_SPECS_DIR and the synthesized
 * 3.0- and 3.1-shaped ones (see shapes.ts), each generated once per process into .tmp/versions/clients/.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/**
 * fixtures/consumer.ts written beside a client directory (which the generator owns), importing it as an application
 * would: `./client/index.js`. Returns its path.
 */
export function writeConsumer(clientDir: string): string {
  const consumer = join(dirname(clientDir), 'consumer.ts');
  const text = readFileSync(new URL('./fixtures/consumer.ts', import.meta.url), 'utf8').replace("from './index.js'", "from './client/index.js'");
  writeFileSync(consumer, text);
  return consumer;
}
