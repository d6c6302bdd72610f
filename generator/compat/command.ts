/**
 * The `compat` command: compare two specs (or a client spec and a live server) and exit 1 when a change at or
 * above `--fail-on` exists in the chosen direction. Bad input throws OptionError/SpecError: the CLI exits 2.
 */
import { Option, type Command } from 'commander';
import { OptionError } from '../../spec/errors.js';
import { loadConfig } from '../config.js';
import { formatJson } from './format-json.js';
import { formatMarkdown } from './format-markdown.js';
import { formatText } from './format-text.js';
import { exitCodeFor, parseDirection, parseFailOn } from './report.js';
import { compat } from './run.js';
import type { CompatReport, PrefixMode } from './types.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export type CompatFormat = 'text' | 'markdown' | 'json';

export function formatReport(report: CompatReport, format: CompatFormat, color = false): string {
  if (format === 'json') return formatJson(report);
  return format === 'markdown' ? formatMarkdown(report) : formatText(report, { color });
}

export function addCompatCommand(program: Command): Command {
  return program
    .command('compat')
    .description('Report what breaks between two etcd specs (both directions), or between a client spec and a live server')
    .argument('[old]', 'the old side: a spec file or directory, or etcd@<version> ($ETCD_SPECS_DIR/v<version>/, else a verified download)')
    .argument('[new]', 'the new side, likewise')
    .option('--server <url>', 'check a client spec (--spec) against this live etcd instead (reads GET /version)')
    .option('--spec <file-or-dir>', 'with --server: the client spec, a file, a directory or etcd@<version> (repeatable)', collect)
    .option('--spec-dir <dir>', 'where versioned spec directories live (default: $ETCD_SPECS_DIR)')
    .option('--cache-dir <dir>', 'where downloaded specs are kept (default: $XDG_CACHE_HOME/etcd-gateway-codegen)')
    .option('--no-download', 'never download specs; fail when an etcd@<version> is not under --spec-dir')
    .option('--config <file>', 'the config whose "sha256" pins, "cacheDir" and "specDir" downloads use (default: etcd-gateway-codegen.config.json or .mjs here)')
    .option('--no-config', 'ignore any config file')
    .addOption(new Option('--format <format>', 'the report format').choices(['text', 'markdown', 'json']).default('text'))
    .option('--fail-on <level>', 'exit 1 when a change at or above this level exists: ERR, WARN, INFO or none', 'ERR')
    .option('--direction <direction>', 'which judgements --fail-on reads: A (old client, new server), B (new client, old server) or both; with --server only A', 'both')
    .addOption(new Option('--prefix <mode>', "judge prefixes for a client that sends its spec's prefix (spec) or picks it at run time (auto)").choices(['spec', 'auto']).default('spec'))
    .addHelpText(
      'after',
      `
Each change is judged for both directions:
  A  a client built from <old> talking to a <new> server
  B  a client built from <new> talking to an <old> server
  ERR every caller of the operation breaks · WARN callers using that field or value break, or are silently
  not honoured · INFO wire-compatible.
Exit codes: 0 nothing at or above --fail-on in --direction, 1 something is, 2 bad input.
Text is coloured on a terminal (NO_COLOR turns it off).

Examples:
  $ etcd-gateway-codegen compat etcd@3.4.45 etcd@3.6.14                      # before upgrading etcd 3.4 to 3.6
  $ etcd-gateway-codegen compat ./specs/v3.5.33 ./specs/v3.6.14 --format markdown > compat.md
  $ etcd-gateway-codegen compat etcd@3.5.33 etcd@3.6.14 --fail-on WARN --direction B   # in CI: a new client on old servers
  $ etcd-gateway-codegen compat etcd@3.2.32 etcd@3.4.45 --prefix auto --format json
  $ etcd-gateway-codegen compat --server http://127.0.0.1:2379 --spec etcd@3.6.14   # what this client can use there`,
    )
    .action(async (old: string | undefined, next: string | undefined, opts: Record<string, unknown>) => {
      const failOn = parseFailOn(String(opts['failOn']));
      const server = opts['server'] as string | undefined;
      const direction = parseDirection(String(opts['direction']));
      if (server !== undefined && direction === 'B') throw new OptionError('--direction', 'with --server only direction A (this client → that server) applies');
      if (server === undefined && opts['spec'] !== undefined) throw new OptionError('--spec', 'is for --server; compare two specs as <old> <new>');
      const config = opts['config'] === false ? undefined : await loadConfig(typeof opts['config'] === 'string' ? { file: opts['config'] } : {});
      const fromConfig = config?.options ?? {};
      const specDir = (opts['specDir'] as string | undefined) ?? fromConfig.specDir;
      const cacheDir = (opts['cacheDir'] as string | undefined) ?? fromConfig.cacheDir;
      const report = await compat({
        ...(old !== undefined ? { old } : {}),
        ...(next !== undefined ? { new: next } : {}),
        ...(server !== undefined ? { server, spec: opts['spec'] as string[] } : {}),
        ...(specDir ? { specDir } : {}),
        ...(cacheDir ? { cacheDir } : {}),
        ...(fromConfig.sha256 ? { sha256: fromConfig.sha256 } : {}),
        ...(opts['download'] === false || fromConfig.download === false ? { download: false } : {}),
        prefix: opts['prefix'] as PrefixMode,
      });
      const color = process.stdout.isTTY === true && !process.env['NO_COLOR'];
      process.stdout.write(formatReport(report, opts['format'] as CompatFormat, color));
      process.exitCode = exitCodeFor(report, failOn, server !== undefined ? 'A' : direction);
    });
}
