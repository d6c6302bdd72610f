/**
 * Resolve what the user named (spec files, directories, etcd versions) into the files to load.
 * A directory means every `*.swagger.json` in it: rpc, v3lock and v3election together are one API.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OptionError } from './errors.js';
import { VERSION_TEXT } from './versions.js';

export interface SpecInput {
  readonly file: string;
  readonly basename: string;
  /** The etcd version, from `--etcd` or a `v3.6.14`-style directory name. */
  readonly version?: string;
  /** The text, when it was already read (a download); otherwise the file is read by the loader. */
  readonly text?: string;
}

/** The inputs of one etcd version: one API. */
export interface SpecSet {
  readonly version?: string;
  readonly inputs: readonly SpecInput[];
}

export interface ResolveOptions {
  /** Spec files or directories (`--spec`). */
  readonly specs?: readonly string[] | undefined;
  /** etcd versions (`--etcd 3.6.14`), looked up under `specDir` as `v<version>/`, then among the shipped copies. */
  readonly etcd?: readonly string[] | undefined;
  /** Where versioned spec directories live (`--spec-dir`, else `ETCD_SPECS_DIR`). */
  readonly specDir?: string | undefined;
  /** Use the spec files shipped with the package for a version of the manifest (default true): no network needed. */
  readonly shipped?: boolean | undefined;
  /** Resolve a version that is not found locally (downloading it); by default an error says how to get it. */
  readonly fetchVersion?: ((version: string) => Promise<SpecSet>) | undefined;
}

const SPEC_FILE = /\.swagger\.json$/;

/** `v3.7.0-alpha.0` → `3.7.0-alpha.0`; undefined when it is not an etcd version. */
const versionText = (text: string): string | undefined => (VERSION_TEXT.test(text) ? text.replace(/^v/, '') : undefined);

/** The etcd version a directory name stands for (`v3.6.14` → `3.6.14`), if it is one. */
export function versionFromDirName(dir: string): string | undefined {
  return versionText(basename(dir));
}

/** Normalise a version as given by a user (`v3.6.14`, `3.6.14`, `etcd@3.6.14`). */
export function normalizeVersion(option: string, given: string): string {
  const version = versionText(given.replace(/^etcd@/, ''));
  if (!version) throw new OptionError(option, `${JSON.stringify(given)} is not an etcd version like 3.6.14`);
  return version;
}

export async function resolveSpecSets(options: ResolveOptions): Promise<SpecSet[]> {
  const sets: SpecSet[] = [];
  for (const spec of options.specs ?? []) sets.push(await resolvePath(spec));
  for (const version of options.etcd ?? []) sets.push(await resolveVersion(normalizeVersion('--etcd', version), options));
  if (sets.length === 0) throw new OptionError('--spec', 'no input: give --spec <file-or-dir> or --etcd <version>');
  return mergeSameVersion(sets);
}

/** Several `--spec` files of one version (or of none) are one API. */
function mergeSameVersion(sets: readonly SpecSet[]): SpecSet[] {
  const byVersion = new Map<string, SpecInput[]>();
  for (const set of sets) {
    const key = set.version ?? '';
    byVersion.set(key, [...(byVersion.get(key) ?? []), ...set.inputs]);
  }
  return [...byVersion.entries()].map(([version, inputs]) => (version ? { version, inputs } : { inputs }));
}

async function resolvePath(path: string): Promise<SpecSet> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new OptionError('--spec', `${path} does not exist`);
  }
  if (!info.isDirectory()) {
    const version = versionFromDirName(dirname(path));
    return withVersion(version, [input(path, version)]);
  }
  const version = versionFromDirName(path);
  const files = (await readdir(path)).filter((f) => SPEC_FILE.test(f)).sort();
  if (files.length === 0) throw new OptionError('--spec', `${path} holds no *.swagger.json file`);
  return withVersion(version, files.map((f) => input(join(path, f), version)));
}

async function resolveVersion(version: string, options: ResolveOptions): Promise<SpecSet> {
  const specDir = options.specDir ?? process.env['ETCD_SPECS_DIR'];
  if (specDir) {
    const dir = join(specDir, `v${version}`);
    const found = await stat(dir).then((s) => s.isDirectory(), () => false);
    if (found) return { ...(await resolvePath(dir)), version };
  }
  if (options.shipped !== false) {
    const { shippedSpecs } = await import('./shipped.js');
    const shipped = await shippedSpecs(version);
    if (shipped) return shipped;
  }
  if (options.fetchVersion) return options.fetchVersion(version);
  throw new OptionError(
    '--etcd',
    `no specs for etcd ${version}: ${specDir ? `${join(specDir, `v${version}`)} does not exist` : 'ETCD_SPECS_DIR is not set'}. ` +
      `Point ETCD_SPECS_DIR (or --spec-dir) at a directory holding v${version}/rpc.swagger.json, v3lock.swagger.json and v3election.swagger.json`,
  );
}

function input(file: string, version: string | undefined): SpecInput {
  return version ? { file, basename: basename(file), version } : { file, basename: basename(file) };
}

function withVersion(version: string | undefined, inputs: SpecInput[]): SpecSet {
  return version ? { version, inputs } : { inputs };
}
