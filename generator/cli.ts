/**
 * The command line: `etcd-gateway-codegen generate|compat …`. Exit codes: 0 ok, 1 check failed or breaking
 * change found, 2 bad input (or any other failure).
 */
import { Command, CommanderError, Option } from 'commander';
import { OptionError, SpecError } from '../spec/errors.js';
import { addCompatCommand } from './compat/command.js';
import { GENERATE_FLAGS, generateOptionsFromFlags, splitList } from './flags.js';
import { generate } from './generate.js';
import { packageVersion } from './package-info.js';
import { createProgressLine, describeDownload } from './progress.js';
import { report } from './report.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The generate command's options, from the one flag table (flags.ts). */
function addGenerateFlags(command: Command): Command {
  for (const flag of GENERATE_FLAGS) {
    const option = new Option(flag.flags, flag.description);
    if (flag.choices) option.choices(flag.choices);
    if (flag.defaultValue !== undefined) option.default(flag.defaultValue);
    if (flag.value === 'repeat') option.argParser(collect);
    if (flag.value === 'list') option.argParser(splitList);
    command.addOption(option);
  }
  return command;
}

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

  addGenerateFlags(program
    .command('generate'))
    .description('Generate (or --check) a client from spec files, spec directories or etcd versions')
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
      const options = await generateOptionsFromFlags(givenFlags(command));
      const progress = createProgressLine();
      const result = await generate({
        ...options,
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
