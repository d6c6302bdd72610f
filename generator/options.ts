/**
 * The generator's options, declared once and checked once. A config file, the command line's flags and the
 * programmatic API each pass what they were given through `readOptions`, which names the option by its source:
 * `--int64` (a flag), `<config file>: int64` (a config file and its key), `generate({ int64 })` (the API).
 */
import { dirname, resolve } from 'node:path';
import type { PinnedDigests } from '../spec/download.js';
import { OptionError } from '../spec/errors.js';
import { SPEC_NAMES } from '../spec/manifest.js';
import { isIdentifier } from '../spec/names.js';
import { normalizeVersion } from '../spec/resolve.js';
import { INT64_MODES, type Int64Mode } from '../templates/options.js';

/** What a config file, the flags or the API may set: the inputs, the output and the output options. */
export interface ConfigOptions {
  /** Spec files or directories; a directory means every `*.swagger.json` in it. */
  specs?: string[];
  /** etcd versions: `<specDir>/v<version>/`, else a verified download. */
  etcd?: string[];
  /** Where versioned spec directories live (default `$ETCD_SPECS_DIR`). */
  specDir?: string;
  /** The output directory (owned by the generator: replaced as a whole). */
  out?: string;
  /** How 64-bit integers come back (default `bigint`). */
  int64?: Int64Mode;
  /** Only these services (`kv,watch,lease`) and the messages and codecs they reach. */
  services?: string[];
  /** The client factory's name (default `createClient`). */
  name?: string;
  /** Where downloaded specs are kept (default `$XDG_CACHE_HOME/etcd-gateway-codegen`). */
  cacheDir?: string;
  /** Download specs of an `etcd` version not found under `specDir` (default true). */
  download?: boolean;
  /** SHA-256 digests to hold downloads to, by etcd version then spec name (`rpc`, `v3lock`, `v3election`). */
  sha256?: PinnedDigests;
}

/** Where options came from: it decides how an error names them and what a relative path is relative to. */
export type OptionSource = { readonly kind: 'flag' } | { readonly kind: 'config'; readonly file: string } | { readonly kind: 'api' };

/** The flag that sets a key: `specDir` → `--spec-dir`, `specs` → `--spec`, `download` → `--no-download`. */
const FLAG_OF: Partial<Record<string, string>> = { specs: '--spec', download: '--no-download' };

export function optionName(source: OptionSource, key: string): string {
  switch (source.kind) {
    case 'flag':
      return FLAG_OF[key] ?? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    case 'config':
      return `${source.file}: ${key}`;
    case 'api':
      return `generate({ ${key} })`;
  }
}

interface Place {
  readonly source: OptionSource;
  readonly key: string;
  /** A path as given: relative to a config file's directory; from flags and the API, as is. */
  readonly path: (p: string) => string;
}

type KeyReader = (value: unknown, at: Place) => Partial<ConfigOptions>;

/** Every option's check, by its config key (`spec` is the config file's alias of `specs`). */
const READERS: Readonly<Record<string, KeyReader>> = {
  $schema: () => ({}),
  spec: (v, at) => ({ specs: stringList(v, at).map(at.path) }),
  specs: (v, at) => ({ specs: stringList(v, at).map(at.path) }),
  etcd: (v, at) => ({ etcd: stringList(v, at).map((e) => normalizeVersion(name(at), e)) }),
  specDir: (v, at) => ({ specDir: at.path(nonEmptyString(v, at)) }),
  out: (v, at) => ({ out: at.path(nonEmptyString(v, at)) }),
  int64: (v, at) => ({ int64: oneOf(v, at, INT64_MODES) }),
  services: (v, at) => ({ services: stringList(v, at).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean) }),
  name: (v, at) => ({ name: identifier(v, at) }),
  cacheDir: (v, at) => ({ cacheDir: at.path(nonEmptyString(v, at)) }),
  download: (v, at) => ({ download: boolean(v, at) }),
  sha256: (v, at) => ({ sha256: pins(v, at) }),
};

export const OPTION_KEYS: readonly string[] = Object.keys(READERS);

/**
 * Check options key by key, the one check for the three sources; undefined values are skipped (a flag not given).
 * From a config file an unknown key is an error; the flags and the API also carry per-run switches
 * (`check`, `force`, `onProgress`…), which are left to their caller.
 */
export function readOptions(values: Readonly<Record<string, unknown>>, source: OptionSource): ConfigOptions {
  if ('spec' in values && 'specs' in values && values['spec'] !== undefined && values['specs'] !== undefined) {
    throw new OptionError(optionName(source, 'specs'), 'give "spec" or "specs", not both');
  }
  const path = source.kind === 'config' ? (p: string) => resolve(dirname(source.file), p) : (p: string) => p;
  const result: ConfigOptions = {};
  for (const [key, value] of Object.entries(values)) {
    const read = Object.hasOwn(READERS, key) ? READERS[key] : undefined;
    if (!read) {
      if (source.kind === 'config') throw new OptionError(optionName(source, key), `unknown key; the known keys are ${OPTION_KEYS.join(', ')}`);
      continue;
    }
    if (value !== undefined) Object.assign(result, read(value, { source, key, path }));
  }
  return result;
}

function name(at: Place): string {
  return optionName(at.source, at.key);
}

function fail(at: Place, expected: string, value: unknown): never {
  throw new OptionError(name(at), `must be ${expected}, not ${describe(value)}`);
}

function nonEmptyString(value: unknown, at: Place): string {
  return typeof value === 'string' && value !== '' ? value : fail(at, 'a non-empty string', value);
}

function identifier(value: unknown, at: Place): string {
  const text = nonEmptyString(value, at);
  if (!isIdentifier(text)) throw new OptionError(name(at), `${JSON.stringify(text)} is not a JavaScript identifier`);
  return text;
}

function stringList(value: unknown, at: Place): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((s) => typeof s === 'string' && s !== '')) {
    return fail(at, 'a string or a non-empty array of strings', value);
  }
  return list as string[];
}

function oneOf<T extends string>(value: unknown, at: Place, choices: readonly T[]): T {
  return choices.includes(value as T) ? (value as T) : fail(at, choices.map((c) => JSON.stringify(c)).join(' or '), value);
}

function boolean(value: unknown, at: Place): boolean {
  return typeof value === 'boolean' ? value : fail(at, 'true or false', value);
}

/** `{"3.7.0": {"rpc": "<64 hex>", "v3lock": …, "v3election": …}}` */
function pins(value: unknown, at: Place): PinnedDigests {
  if (!isRecord(value)) return fail(at, 'an object of etcd versions', value);
  const out: Record<string, Record<string, string>> = {};
  for (const [version, digests] of Object.entries(value)) {
    const place = { ...at, key: `${at.key}.${version}` };
    const normalized = normalizeVersion(name(place), version);
    if (!isRecord(digests)) return fail(place, `an object of spec names (${SPEC_NAMES.join(', ')}) to SHA-256 digests`, digests);
    out[normalized] = {};
    for (const [spec, digest] of Object.entries(digests)) {
      const where = { ...place, key: `${place.key}.${spec}` };
      if (!(SPEC_NAMES as readonly string[]).includes(spec)) throw new OptionError(name(where), `unknown spec; the specs are ${SPEC_NAMES.join(', ')}`);
      if (typeof digest !== 'string' || !/^[0-9a-f]{64}$/i.test(digest)) return fail(where, 'a SHA-256 digest (64 hex digits)', digest);
      out[normalized][spec] = digest.toLowerCase();
    }
  }
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array ${truncate(JSON.stringify(value))}`;
  if (value === null || value === undefined) return String(value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${truncate(JSON.stringify(value))}`;
}

function truncate(text: string | undefined): string {
  return text === undefined ? '' : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
