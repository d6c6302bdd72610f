/**
 * The `generate` command's flags, one table: the CLI builds its commander options from it, and the no-op fast
 * path (fast-path.ts) parses the same flags with node:util's parseArgs, before commander loads.
 */
import { parseArgs } from 'node:util';
import { applyFlags, loadConfig, toGenerateOptions, type FlagOptions } from './config.js';
import type { GenerateOptions } from './generate.js';
import { INT64_MODES } from '../templates/options.js';
import { readOptions } from './options.js';

export interface GenerateFlag {
  /** As commander spells it: `--spec <file-or-dir>`, `--no-config`, `--check`. */
  readonly flags: string;
  readonly description: string;
  /** `repeat`: given again, adds a value; `list`: one comma-separated value. */
  readonly value?: 'one' | 'repeat' | 'list';
  readonly choices?: readonly string[];
  readonly defaultValue?: string;
}

export const GENERATE_FLAGS: readonly GenerateFlag[] = [
  { flags: '--config <file>', value: 'one', description: 'a config file (default: etcd-gateway-codegen.config.json or .mjs in the current directory)' },
  { flags: '--no-config', description: 'ignore any config file: flags only' },
  { flags: '--spec <file-or-dir>', value: 'repeat', description: 'a spec file, or a directory: every *.swagger.json in it (repeatable)' },
  { flags: '--etcd <version>', value: 'repeat', description: "an etcd version: specs from <spec-dir>/v<version>/, else downloaded from etcd's repository (repeatable)" },
  { flags: '--spec-dir <dir>', value: 'one', description: 'where versioned spec directories live (default: $ETCD_SPECS_DIR)' },
  { flags: '--out <dir>', value: 'one', description: 'the output directory (replaced as a whole)' },
  { flags: '--check', description: 'write nothing; exit 1 when the files on disk differ from what would be generated' },
  { flags: '--force', description: 'regenerate even when the inputs and options are unchanged' },
  { flags: '--int64 <kind>', value: 'one', description: 'how 64-bit integers come back', choices: INT64_MODES, defaultValue: 'bigint' },
  { flags: '--services <list>', value: 'list', description: 'emit only these services and the messages they use, e.g. kv,watch,lease' },
  { flags: '--name <identifier>', value: 'one', description: 'the name of the client factory', defaultValue: 'createClient' },
  { flags: '--cache-dir <dir>', value: 'one', description: 'where downloaded specs are kept (default: $XDG_CACHE_HOME/etcd-gateway-codegen)' },
  { flags: '--no-download', description: 'never download specs; fail when a version is not under --spec-dir' },
];

/** `--spec-dir <dir>` → `spec-dir`. */
export const flagName = (flag: GenerateFlag): string => flag.flags.split(' ')[0]!.slice(2);

/** `spec-dir` → `specDir`, `no-config` → `config` (commander's attribute names). */
export function attributeName(flag: GenerateFlag): string {
  return flagName(flag).replace(/^no-/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** `a, b,,c` → ['a', 'b', 'c']. */
export const splitList = (value: string): string[] => value.split(',').map((s) => s.trim()).filter(Boolean);

/**
 * The flags a command line gave, by attribute name (`specDir`, `config: false` for --no-config), as commander
 * reports them; undefined when parseArgs cannot read the line the way commander would (the CLI then decides).
 */
export function parseGenerateFlags(argv: readonly string[]): Record<string, unknown> | undefined {
  const options = Object.fromEntries(
    GENERATE_FLAGS.map((f) => [flagName(f), { type: f.value ? ('string' as const) : ('boolean' as const), multiple: f.value === 'repeat' }]),
  );
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  } catch {
    return undefined;
  }
  const given: Record<string, unknown> = {};
  for (const flag of GENERATE_FLAGS) {
    const value = parsed.values[flagName(flag)];
    if (value === undefined) continue;
    if (flag.choices && !flag.choices.includes(value as string)) return undefined;
    const negated = flagName(flag).startsWith('no-');
    if (given[attributeName(flag)] !== undefined) return undefined; // --config and --no-config together
    given[attributeName(flag)] = negated ? false : flag.value === 'list' ? splitList(value as string) : value;
  }
  return given;
}

/** The options the flags set (a flag not given is left out), checked as every source's options are. */
export function configFromFlags(flags: Record<string, unknown>): FlagOptions {
  const { spec, config: _config, check: _check, force: _force, download, ...rest } = flags;
  return readOptions({ ...rest, specs: spec, download: download === false ? false : undefined }, { kind: 'flag' });
}

/** The options `generate` runs with: the config file (unless `--no-config`), overridden by the flags. */
export async function generateOptionsFromFlags(flags: Record<string, unknown>): Promise<GenerateOptions & { out: string }> {
  const config = flags['config'] === false ? undefined : await loadConfig(typeof flags['config'] === 'string' ? { file: flags['config'] } : {});
  const options = toGenerateOptions(applyFlags(config?.options ?? {}, configFromFlags(flags)), config?.file);
  return { ...options, ...(flags['check'] ? { check: true } : {}), ...(flags['force'] ? { force: true } : {}) };
}
