/**
 * compat: the programmatic entry. Resolves and loads both sides (spec files, directories or `etcd@<version>`),
 * or a client spec and a live server, builds the models and returns the report.
 */
import { OptionError } from '../../spec/errors.js';
import type { PinnedDigests } from '../../spec/download.js';
import type { ResolveOptions } from '../../spec/resolve.js';
import { compareModels } from './compare.js';
import { buildReport } from './report.js';
import { compareWithServer } from './server.js';
import { loadSide, type SideOptions } from './sides.js';
import type { CompatReport, PrefixMode } from './types.js';

export interface CompatOptions {
  /** The old side: a spec file or directory, or `etcd@<version>`. */
  readonly old?: string;
  /** The new side, likewise. */
  readonly new?: string;
  /** A live etcd to check a client spec against (`--server`): its URL. */
  readonly server?: string;
  /** With `server`: the client's spec (a file or directory, or `etcd@<version>`); several files of one API may be given. */
  readonly spec?: string | readonly string[];
  /** Where versioned spec directories live (default `$ETCD_SPECS_DIR`). */
  readonly specDir?: string;
  /** How prefix findings are judged: `spec` (default: the client sends its spec's prefix) or `auto` (chosen at run time). */
  readonly prefix?: PrefixMode;
  /** Resolve an `etcd@<version>` that is not found under `specDir` (default: a verified download, as `generate` does). */
  readonly fetchVersion?: ResolveOptions['fetchVersion'];
  /** Download specs of an `etcd@<version>` not found under `specDir` (default true). */
  readonly download?: boolean;
  /** Where downloaded specs are kept (default `$XDG_CACHE_HOME/etcd-gateway-codegen`). */
  readonly cacheDir?: string;
  /** SHA-256 digests to hold downloads to, by etcd version then spec name (the config's `sha256`). */
  readonly sha256?: PinnedDigests;
  /** The fetch used to read the server's `/version` (default: the global one). */
  readonly fetch?: typeof fetch;
}

export async function compat(options: CompatOptions): Promise<CompatReport> {
  const prefixMode = checkPrefixMode(options.prefix);
  const sideOptions: SideOptions = {
    specDir: options.specDir,
    fetchVersion: options.fetchVersion,
    download: options.download,
    cacheDir: options.cacheDir,
    sha256: options.sha256,
  };
  if (options.server !== undefined) {
    if (options.old !== undefined || options.new !== undefined) throw new OptionError('--server', 'give either <old> <new> or --server with --spec, not both');
    const specs = typeof options.spec === 'string' ? [options.spec] : [...(options.spec ?? [])];
    if (specs.length === 0) throw new OptionError('--spec', 'with --server, give the client spec (a file, a directory or etcd@<version>)');
    const client = await loadSide(specs, sideOptions);
    return compareWithServer({ server: options.server, client, prefixMode, specDir: options.specDir, fetch: options.fetch, notes: client.notes });
  }
  if (options.old === undefined || options.new === undefined) throw new OptionError('<old> <new>', 'give two specs to compare (files, directories or etcd@<version>), or --server <url> --spec <client spec>');
  const [old, next] = [await loadSide([options.old], sideOptions), await loadSide([options.new], sideOptions)];
  return buildReport(old.side, next.side, compareModels(old.model, next.model, { prefixMode }), prefixMode, [...old.notes, ...next.notes]);
}

function checkPrefixMode(mode: string | undefined): PrefixMode {
  if (mode === undefined) return 'spec';
  if (mode === 'spec' || mode === 'auto') return mode;
  throw new OptionError('--prefix', `must be spec or auto, not ${JSON.stringify(mode)}`);
}
