/**
 * The build-step case, decided before the CLI loads: `generate` with flags the fast path can read (flags.ts) and
 * an output that is already up to date. It loads the config reader, the input resolver and the digests, never
 * commander, compat, the renderers or the spec parser; anything else (help, another command, a check, an error,
 * work to do) goes to the full CLI, which decides it all again.
 */
import { generateOptionsFromFlags, parseGenerateFlags } from './flags.js';
import { findUpToDate } from './generate.js';
import { report } from './report.js';

/** The exit code when the run was a no-op that is now done; undefined to hand the run to the full CLI. */
export async function runNoOpFastPath(argv: readonly string[]): Promise<number | undefined> {
  if (argv[0] !== 'generate') return undefined;
  const flags = parseGenerateFlags(argv.slice(1));
  if (flags === undefined || flags['check'] === true || flags['force'] === true) return undefined;
  try {
    const result = await findUpToDate(await generateOptionsFromFlags(flags));
    return result === undefined ? undefined : report(result);
  } catch {
    return undefined; // the full CLI reports it, naming the place
  }
}
