/**
 * The config file: `etcd-gateway-codegen.config.json` or `.mjs` (its default export) in the current directory,
 * or the file given with `--config`. It holds the inputs, `out` and the output options; flags override it.
 * Unknown keys and wrong types are errors naming the file and the key. Paths in it are relative to the file.
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PinnedDigests } from '../spec/download.js';
import { OptionError } from '../spec/errors.js';
import { SPEC_NAMES } from '../spec/manifest.js';
import { normalizeVersion } from '../spec/resolve.js';
import type { GenerateOptions } from './generate.js';

export const CONFIG_FILES = ['etcd-gateway-codegen.config.json', 'etcd-gateway-codegen.config.mjs'] as const;

/** What a config file (or a command line) may set: everything but the per-run switches. */
export interface ConfigOptions {
  specs?: string[];
  etcd?: string[];
  specDir?: string;
  out?: string;
  int64?: 'bigint' | 'string';
  services?: string[];
  name?: string;
  cacheDir?: string;
  download?: boolean;
  sha256?: PinnedDigests;
}

/** Options from the command line: a flag not given is undefined. */
export type FlagOptions = { [K in keyof ConfigOptions]?: ConfigOptions[K] | undefined };

export interface LoadedConfig {
  readonly file: string;
  readonly options: ConfigOptions;
}

/** Find, read and validate the config: `file` when given, else one of CONFIG_FILES in `cwd`, else undefined. */
export async function loadConfig(options: { cwd?: string; file?: string } = {}): Promise<LoadedConfig | undefined> {
  const cwd = options.cwd ?? process.cwd();
  const file = options.file !== undefined ? resolve(cwd, options.file) : await findConfigFile(cwd);
  if (file === undefined) return undefined;
  return { file, options: validateConfig(file, await readConfigFile(file)) };
}

async function findConfigFile(cwd: string): Promise<string | undefined> {
  const found: string[] = [];
  for (const name of CONFIG_FILES) {
    if (statSync(join(cwd, name), { throwIfNoEntry: false })?.isFile()) found.push(join(cwd, name));
  }
  if (found.length > 1) throw new OptionError('--config', `both ${found.join(' and ')} exist; keep one, or choose with --config`);
  return found[0];
}

async function readConfigFile(file: string): Promise<unknown> {
  if (/\.[cm]?js$/.test(file)) {
    const module = (await import(pathToFileURL(file).href).catch((e: Error) => {
      throw new OptionError('--config', `${file} cannot be loaded: ${e.message}`);
    })) as { default?: unknown };
    if (module.default === undefined) throw new OptionError('--config', `${file} has no default export (export default { out: …, etcd: … })`);
    return module.default;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new OptionError('--config', `cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new OptionError('--config', `${file} is not valid JSON: ${(e as Error).message}`);
  }
}

type KeyReader = (value: unknown, at: Place) => Partial<ConfigOptions>;

interface Place {
  readonly file: string;
  readonly key: string;
  /** Resolve a path written in the config file: relative to the file's directory. */
  readonly path: (p: string) => string;
}

const KEYS: Readonly<Record<string, KeyReader>> = {
  $schema: () => ({}),
  spec: (v, at) => ({ specs: stringList(v, at).map(at.path) }),
  specs: (v, at) => ({ specs: stringList(v, at).map(at.path) }),
  etcd: (v, at) => ({ etcd: stringList(v, at).map((e) => normalizeVersion(option(at), e)) }),
  specDir: (v, at) => ({ specDir: at.path(nonEmptyString(v, at)) }),
  out: (v, at) => ({ out: at.path(nonEmptyString(v, at)) }),
  int64: (v, at) => ({ int64: oneOf(v, at, ['bigint', 'string'] as const) }),
  services: (v, at) => ({ services: stringList(v, at).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean) }),
  name: (v, at) => ({ name: nonEmptyString(v, at) }),
  cacheDir: (v, at) => ({ cacheDir: at.path(nonEmptyString(v, at)) }),
  download: (v, at) => ({ download: boolean(v, at) }),
  sha256: (v, at) => ({ sha256: pins(v, at) }),
};

/** Check a config value (parsed JSON or a module's default export) key by key. */
export function validateConfig(file: string, value: unknown): ConfigOptions {
  if (!isRecord(value)) throw new OptionError(file, `must hold an object of options, not ${describe(value)}`);
  if ('spec' in value && 'specs' in value) throw new OptionError(`${file}: specs`, 'give "spec" or "specs", not both');
  const result: ConfigOptions = {};
  for (const [key, v] of Object.entries(value)) {
    const read = Object.hasOwn(KEYS, key) ? KEYS[key] : undefined;
    if (!read) throw new OptionError(`${file}: ${key}`, `unknown key; the known keys are ${Object.keys(KEYS).join(', ')}`);
    Object.assign(result, read(v, { file, key, path: (p) => resolve(dirname(file), p) }));
  }
  return result;
}

/** Flags override the config; inputs given as flags (`--spec`, `--etcd`) replace the config's inputs as a whole. */
export function applyFlags(config: ConfigOptions, flags: FlagOptions): ConfigOptions {
  const { specs, etcd, ...rest } = config;
  const inputs = flags.specs !== undefined || flags.etcd !== undefined ? {} : { ...(specs ? { specs } : {}), ...(etcd ? { etcd } : {}) };
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) as ConfigOptions;
  return { ...rest, ...inputs, ...given };
}

/** The options `generate` takes, once `out` is known. */
export function toGenerateOptions(options: ConfigOptions, configFile: string | undefined): GenerateOptions & { out: string } {
  const { out, ...rest } = options;
  if (!out) {
    const where = configFile ? `give --out, or "out" in ${configFile}` : `give --out, or "out" in ${CONFIG_FILES[0]}`;
    throw new OptionError('--out', `the output directory is required: ${where}`);
  }
  return { ...rest, out };
}

function option(at: Place): string {
  return `${at.file}: ${at.key}`;
}

function fail(at: Place, expected: string, value: unknown): never {
  throw new OptionError(option(at), `must be ${expected}, not ${describe(value)}`);
}

function nonEmptyString(value: unknown, at: Place): string {
  return typeof value === 'string' && value !== '' ? value : fail(at, 'a non-empty string', value);
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
    const normalized = normalizeVersion(option(place), version);
    if (!isRecord(digests)) return fail(place, `an object of spec names (${SPEC_NAMES.join(', ')}) to SHA-256 digests`, digests);
    out[normalized] = {};
    for (const [name, digest] of Object.entries(digests)) {
      const where = { ...place, key: `${place.key}.${name}` };
      if (!(SPEC_NAMES as readonly string[]).includes(name)) throw new OptionError(option(where), `unknown spec; the specs are ${SPEC_NAMES.join(', ')}`);
      if (typeof digest !== 'string' || !/^[0-9a-f]{64}$/i.test(digest)) return fail(where, 'a SHA-256 digest (64 hex digits)', digest);
      out[normalized][name] = digest.toLowerCase();
    }
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array ${truncate(JSON.stringify(value))}`;
  if (value === null || value === undefined) return String(value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${truncate(JSON.stringify(value))}`;
}

function truncate(text: string | undefined): string {
  return text === undefined ? '' : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
