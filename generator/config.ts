/**
 * The config file: `etcd-gateway-codegen.config.json` or `.mjs` (its default export) in the current directory,
 * or the file given with `--config`. It holds the inputs, `out` and the output options; flags override it.
 * Unknown keys and wrong types are errors naming the file and the key. Paths in it are relative to the file.
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OptionError } from '../spec/errors.js';
import type { GenerateOptions } from './generate.js';
import { describe, isRecord, readOptions, type ConfigOptions } from './options.js';

export type { ConfigOptions } from './options.js';

export const CONFIG_FILES = ['etcd-gateway-codegen.config.json', 'etcd-gateway-codegen.config.mjs'] as const;

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

/** Check a config value (parsed JSON or a module's default export) key by key. */
export function validateConfig(file: string, value: unknown): ConfigOptions {
  if (!isRecord(value)) throw new OptionError(file, `must hold an object of options, not ${describe(value)}`);
  return readOptions(value, { kind: 'config', file });
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
