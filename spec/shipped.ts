/**
 * etcd's own spec files for every version of the manifest, shipped with the package (etcd-specs/, beside spec/ in
 * the sources and beside dist/spec/ in a build; etcd-specs/NOTICE says where they come from). A version found there
 * needs no network and no --spec-dir. Each file is held to the manifest's SHA-256 here as at build time
 * (scripts/build.mjs): a copy that differs is an error, never silently replaced by a download.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { SpecError } from './errors.js';
import { knownVersion, SPEC_NAMES, specFileName } from './manifest.js';
import type { SpecSet } from './resolve.js';

/** The directory of the shipped copies: `../etcd-specs/` from this module, in the sources and in dist/ alike. */
export const SHIPPED_SPECS_DIR = fileURLToPath(new URL('../etcd-specs/', import.meta.url));

/** The shipped specs of a manifest version, verified; undefined for a version the package does not ship. */
export async function shippedSpecs(version: string, dir: string = SHIPPED_SPECS_DIR): Promise<SpecSet | undefined> {
  const known = knownVersion(version);
  if (!known) return undefined;
  const inputs = [];
  for (const name of SPEC_NAMES) {
    const file = `${dir}/v${version}/${specFileName(name)}`;
    const bytes = await readFile(file).catch(() => undefined);
    if (!bytes) return undefined; // a trimmed install: fall back to a download
    const got = createHash('sha256').update(bytes).digest('hex');
    if (got !== known.sha256[name]) {
      throw new SpecError(file, '', `SHA-256 is ${got}, but the manifest for etcd ${version} says ${known.sha256[name]}: the shipped copy was altered; reinstall the package`);
    }
    inputs.push({ file, basename: specFileName(name), version, text: new TextDecoder().decode(bytes) });
  }
  return { version, inputs };
}
