/**
 * The command line: `etcd-gateway-codegen generate|compat …`. Exit codes: 0 ok, 1 check failed or breaking
 * change found, 2 bad input (or any other failure).
 */
import { Command, CommanderError, Option } from 'commander';
import { OptionError, SpecError } from '../spec/errors.js';
import { addCompatCommand } from './compat/command.js';
import { applyFlags, loadConfig, toGenerateOptions, type FlagOptions } from './config.js';
import { generate, type GenerateResult } from './generate.js';
import { packageVersion } from './package-info.js';
import { createProgressLine, describeDownload } from './progress.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const list = (value: string): string[] => value.split(',').map((s) => s.trim()).filter(Boolean);

export function buildProgram(): Command {
  const program = new Command('etcd-gateway-codegen')
    .description("Generate a typed, dependency-free TypeScript client for etcd's HTTP/JSON gateway from etcd's Swagger specs")
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) })
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 --check found differences (or compat found a breaking change), 2 bad input.

Examples:
  $ etcd-gateway-codegen generate --etcd 3.6.14 --out src/etcd
  $ etcd-gateway-codegen generate --check          # with etcd-gateway-codegen.config.json in the current directory
  $ etcd-gateway-codegen compat etcd@3.4.45 etcd@3.6.14   # what breaks when the server moves from 3.4 to 3.6
  $ etcd-gateway-codegen help generate`,
    );

  program
    .command('generate')
    .description('Generate (or --check) a client from spec files, spec directories or etcd versions')
    .option('--config <file>', 'a config file (default: etcd-gateway-codegen.config.json or .mjs in the current directory)')
    .option('--no-config', 'ignore any config file: flags only')
    .option('--spec <file-or-dir>', 'a spec file, or a directory: every *.swagger.json in it (repeatable)', collect)
    .option('--etcd <version>', "an etcd version: specs from <spec-dir>/v<version>/, else downloaded from etcd's repository (repeatable)", collect)
    .option('--spec-dir <dir>', 'where versioned spec directories live (default: $ETCD_SPECS_DIR)')
    .option('--out <dir>', 'the output directory (replaced as a whole)')
    .option('--check', 'write nothing; exit 1 when the files on disk differ from what would be generated')
    .option('--force', 'regenerate even when the inputs and options are unchanged')
    .addOption(new Option('--int64 <kind>', 'how 64-bit integers come back').choices(['bigint', 'string']).default('bigint'))
    .option('--services <list>', 'emit only these services and the messages they use, e.g. kv,watch,lease', list)
    .option('--name <identifier>', 'the name of the client factory', 'createClient')
    .option('--cache-dir <dir>', 'where downloaded specs are kept (default: $XDG_CACHE_HOME/etcd-gateway-codegen)')
    .option('--no-download', 'never download specs; fail when a version is not under --spec-dir')
    .addHelpText(
      'after',
      `
Flags override the config file; --spec/--etcd replace its inputs. Downloads are checked against the SHA-256
digests this version knows (or those pinned under "sha256" in the config) and kept in the cache directory.
Environment: ETCD_SPECS_DIR (like --spec-dir), ETCD_SPECS_BASE_URL (where to download from),
ETCD_GATEWAY_CODEGEN_CACHE_DIR (like --cache-dir).

Examples:
  $ etcd-gateway-codegen generate --etcd 3.6.14 --out src/etcd          # $ETCD_SPECS_DIR/v3.6.14/, else a download
  $ etcd-gateway-codegen generate --spec ./specs/v3.5.33 --out src/etcd  # every *.swagger.json in the directory
  $ etcd-gateway-codegen generate --spec rpc.swagger.json --spec v3lock.swagger.json --out src/etcd --services kv,lease,lock
  $ etcd-gateway-codegen generate --etcd 3.6.14 --out src/etcd --int64 string --name createEtcd
  $ etcd-gateway-codegen generate                                        # everything from etcd-gateway-codegen.config.json
  $ etcd-gateway-codegen generate --check                                # in CI: exit 1 when out of date`,
    )
    .action(async (_opts: unknown, command: Command) => {
      const flags = givenFlags(command);
      const config = flags['config'] === false ? undefined : await loadConfig(typeof flags['config'] === 'string' ? { file: flags['config'] } : {});
      const options = toGenerateOptions(applyFlags(config?.options ?? {}, configFromFlags(flags)), config?.file);
      const progress = createProgressLine();
      const result = await generate({
        ...options,
        ...(flags['check'] ? { check: true } : {}),
        ...(flags['force'] ? { force: true } : {}),
        onProgress: (p) => progress.update(describeDownload(p)),
      }).finally(() => progress.done());
      process.exitCode = report(result);
    });
  addCompatCommand(program);
  return program;
}

/** The options given on this command line (not commander's defaults). */
function givenFlags(command: Command): Record<string, unknown> {
  const opts = command.opts<Record<string, unknown>>();
  return Object.fromEntries(Object.entries(opts).filter(([key]) => command.getOptionValueSource(key) === 'cli'));
}

function configFromFlags(flags: Record<string, unknown>): FlagOptions {
  const string = (key: string): string | undefined => (typeof flags[key] === 'string' ? (flags[key] as string) : undefined);
  const strings = (key: string): string[] | undefined => (Array.isArray(flags[key]) ? (flags[key] as string[]) : undefined);
  return {
    specs: strings('spec'),
    etcd: strings('etcd'),
    specDir: string('specDir'),
    out: string('out'),
    int64: string('int64') as FlagOptions['int64'],
    services: strings('services'),
    name: string('name'),
    cacheDir: string('cacheDir'),
    download: flags['download'] === false ? false : undefined,
  };
}

/** Tell what happened; the exit code. */
function report(result: GenerateResult): number {
  for (const note of result.notes) process.stderr.write(`note: ${note}\n`);
  switch (result.status) {
    case 'check-failed': {
      const d = result.diff!;
      const lines = [...d.missing.map((p) => `  missing  ${p}`), ...d.changed.map((p) => `  changed  ${p}`), ...d.extra.map((p) => `  extra    ${p}`)];
      process.stderr.write(`${result.out} is not what would be generated:\n${lines.join('\n')}\nRun the same command without --check to update it.\n`);
      return 1;
    }
    case 'check-passed':
      process.stdout.write(`${result.out} is up to date (${result.files.length} files)\n`);
      return 0;
    case 'unchanged':
      process.stdout.write(`${result.out} is up to date; nothing to do\n`);
      return 0;
    default:
      process.stdout.write(`wrote ${result.files.length} files to ${result.out}\n`);
      return 0;
  }
}

/** Run the CLI and return its exit code; process.exitCode is left as it was (so tests can call this in-process). */
export async function main(argv: readonly string[]): Promise<number> {
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    const known = e instanceof SpecError || e instanceof OptionError;
    process.stderr.write(`error: ${known ? (e as Error).message : ((e as Error).stack ?? String(e))}\n`);
    return 2;
  } finally {
    process.exitCode = before;
  }
}
