/**
 * The command line: `etcd-gateway-codegen generate|compat …`. Exit codes: 0 ok, 1 check failed or breaking
 * change found, 2 bad input (or any other failure).
 */
import { Command, CommanderError, Option } from 'commander';
import { OptionError, SpecError } from '../spec/errors.js';
import { generate, type GenerateResult } from './generate.js';
import { packageVersion } from './package-info.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const list = (value: string): string[] => value.split(',').map((s) => s.trim()).filter(Boolean);

export function buildProgram(): Command {
  const program = new Command('etcd-gateway-codegen')
    .description("Generate a typed, dependency-free TypeScript client for etcd's HTTP/JSON gateway from etcd's Swagger specs")
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });

  program
    .command('generate')
    .description('Generate (or --check) a client from spec files, spec directories or etcd versions')
    .option('--spec <file-or-dir>', 'a spec file, or a directory: every *.swagger.json in it (repeatable)', collect)
    .option('--etcd <version>', 'an etcd version whose specs are in <spec-dir>/v<version>/ (repeatable)', collect)
    .option('--spec-dir <dir>', 'where versioned spec directories live (default: $ETCD_SPECS_DIR)')
    .option('--out <dir>', 'the output directory (replaced as a whole)')
    .option('--check', 'write nothing; exit 1 when the files on disk differ from what would be generated')
    .option('--force', 'regenerate even when the inputs and options are unchanged')
    .addOption(new Option('--int64 <kind>', 'how 64-bit integers come back').choices(['bigint', 'string']).default('bigint'))
    .option('--services <list>', 'emit only these services, e.g. kv,watch,lease', list)
    .option('--name <identifier>', 'the name of the client factory', 'createClient')
    .addHelpText(
      'after',
      `
Examples:
  $ etcd-gateway-codegen generate --etcd 3.6.14 --out src/etcd          # specs from $ETCD_SPECS_DIR/v3.6.14/
  $ etcd-gateway-codegen generate --spec ./specs/v3.5.33 --out src/etcd  # every *.swagger.json in the directory
  $ etcd-gateway-codegen generate --spec rpc.swagger.json --spec v3lock.swagger.json --out src/etcd --services kv,lease,lock
  $ etcd-gateway-codegen generate --etcd 3.6.14 --out src/etcd --check   # in CI: exit 1 when out of date`,
    )
    .action(async (opts: Record<string, unknown>) => {
      const result = await generate({
        out: requireOut(opts['out']),
        ...(opts['spec'] ? { specs: opts['spec'] as string[] } : {}),
        ...(opts['etcd'] ? { etcd: opts['etcd'] as string[] } : {}),
        ...(opts['specDir'] ? { specDir: opts['specDir'] as string } : {}),
        ...(opts['check'] ? { check: true } : {}),
        ...(opts['force'] ? { force: true } : {}),
        int64: opts['int64'] as 'bigint' | 'string',
        ...(opts['services'] ? { services: opts['services'] as string[] } : {}),
        name: opts['name'] as string,
      });
      report(result);
    });
  return program;
}

function requireOut(out: unknown): string {
  if (typeof out !== 'string' || out === '') throw new OptionError('--out', 'the output directory is required');
  return out;
}

function report(result: GenerateResult): void {
  switch (result.status) {
    case 'check-failed': {
      const d = result.diff!;
      const lines = [...d.missing.map((p) => `  missing  ${p}`), ...d.changed.map((p) => `  changed  ${p}`), ...d.extra.map((p) => `  extra    ${p}`)];
      process.stderr.write(`${result.out} is not what would be generated:\n${lines.join('\n')}\nRun the same command without --check to update it.\n`);
      process.exitCode = 1;
      return;
    }
    case 'check-passed':
      process.stdout.write(`${result.out} is up to date (${result.files.length} files)\n`);
      return;
    case 'unchanged':
      process.stdout.write(`${result.out} is up to date; nothing to do\n`);
      return;
    default:
      for (const note of result.notes) process.stderr.write(`note: ${note}\n`);
      process.stdout.write(`wrote ${result.files.length} files to ${result.out}\n`);
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    const known = e instanceof SpecError || e instanceof OptionError;
    process.stderr.write(`error: ${known ? (e as Error).message : ((e as Error).stack ?? String(e))}\n`);
    return 2;
  }
}
