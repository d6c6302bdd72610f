/**
 * compat --server: what a client built from a given spec can and cannot use on a live etcd. Reads the
 * server's `GET /version`, finds that version's specs under the spec directory (or the nearest patch release
 * of the same minor version, saying so), and compares: the client is the old side, the server the new one, and
 * only direction A (this client → that server) applies. Without specs only the path prefix can be checked.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { OptionError } from '../../spec/errors.js';
import type { ApiModel } from '../../spec/model.js';
import { compareVersions, minorOf, parseVersion, servedPrefixes } from '../../spec/versions.js';
import { compareModels } from './compare.js';
import { createContext } from './context.js';
import { comparePrefixes } from './prefixes.js';
import { buildReport } from './report.js';
import { loadSide, type LoadedSide } from './sides.js';
import type { Change, CompatReport, CompatSide, PrefixMode } from './types.js';

export interface ServerCheck {
  readonly server: string;
  readonly client: LoadedSide;
  readonly prefixMode: PrefixMode;
  readonly specDir?: string | undefined;
  readonly fetch?: typeof fetch | undefined;
  /** Notes already taken (a download of the client spec). */
  readonly notes?: readonly string[];
}

const NOT_APPLICABLE = 'not applicable: compat --server judges this client against that server (direction A) only';

export async function compareWithServer(check: ServerCheck): Promise<CompatReport> {
  const url = check.server.trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(url)) throw new OptionError('--server', `${JSON.stringify(check.server)} is not an http(s) URL like http://127.0.0.1:2379`);
  const version = await readServerVersion(url, check.fetch ?? globalThis.fetch);
  const found = await findServerSpecs(version, check.specDir ?? process.env['ETCD_SPECS_DIR']);
  const server = { url, version };
  if (!found.dir) {
    const side: CompatSide = { label: url, version: null, files: [], prefix: null, server };
    const comparison = { changes: prefixOnly(check, version), notes: [] };
    return buildReport(check.client.side, side, comparison, check.prefixMode, [...(check.notes ?? []), found.note]);
  }
  const { side: opened, model } = await loadSide([found.dir], {});
  const side: CompatSide = { ...opened, label: url, server };
  const comparison = compareModels(check.client.model, model, { prefixMode: check.prefixMode, newServerVersion: version });
  const changes = [...prefixOnly(check, version), ...comparison.changes.filter((c) => !c.id.startsWith('prefix-')).map(directionAOnly)];
  return buildReport(check.client.side, side, { changes, notes: comparison.notes }, check.prefixMode, [...(check.notes ?? []), ...(found.note ? [found.note] : [])]);
}

function directionAOnly(change: Change): Change {
  const client = change.client ? { client: { A: change.client.A, B: { affected: false, route: null, reason: NOT_APPLICABLE } } } : {};
  return { ...change, level: { A: change.level.A, B: 'INFO' }, reason: { A: change.reason.A, B: NOT_APPLICABLE }, ...client };
}

/** The prefix finding from the built-in table of what each server version serves: reported only when it breaks. */
function prefixOnly(check: ServerCheck, version: string): Change[] {
  const empty: ApiModel = { sources: [], versions: [version], services: [], messages: [], enums: [], notes: [] };
  const ctx = createContext(check.client.model, empty, { prefixMode: check.prefixMode, newServerVersion: version });
  const { changes } = comparePrefixes(ctx);
  return changes.filter((c) => c.id === 'prefix-not-served' && c.level.A !== 'INFO').map((c) => ({ ...directionAOnly(c), to: servedPrefixes(version).join(', ') }));
}

async function readServerVersion(url: string, fetchImpl: typeof fetch): Promise<string> {
  let text: string;
  try {
    const response = await fetchImpl(`${url}/version`, { signal: AbortSignal.timeout(10_000) });
    text = await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 80)}`);
  } catch (e) {
    const cause = (e as Error).cause instanceof Error ? ` (${((e as Error).cause as Error).message})` : '';
    throw new OptionError('--server', `cannot read ${url}/version: ${(e as Error).message}${cause}`);
  }
  const version = (tryJson(text) as { etcdserver?: unknown } | undefined)?.etcdserver;
  if (typeof version !== 'string' || !parseVersion(version)) {
    throw new OptionError('--server', `${url}/version did not answer an etcd version: ${text.slice(0, 80)}`);
  }
  return version;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The server version's spec directory, else the nearest patch release of its minor version, with a note saying which. */
export async function findServerSpecs(version: string, specDir: string | undefined): Promise<{ dir?: string; note: string }> {
  if (!specDir) return { note: `ETCD_SPECS_DIR is not set: only the path prefix was checked, from the built-in table of what etcd ${version} serves` };
  const names = await readdir(specDir).catch(() => [] as string[]);
  const versions = names.filter((n) => n.startsWith('v') && parseVersion(n)?.text === n.slice(1)).map((n) => n.slice(1));
  if (versions.includes(version)) return { dir: join(specDir, `v${version}`), note: '' };
  const minor = minorOf;
  const patch = (v: string): number => parseVersion(v)?.patch ?? 0;
  const sameMinor = versions.filter((v) => minor(v) === minor(version));
  const nearest = sameMinor.sort((a, b) => Math.abs(patch(a) - patch(version)) - Math.abs(patch(b) - patch(version)) || compareVersions(b, a))[0];
  if (nearest) {
    return { dir: join(specDir, `v${nearest}`), note: `no specs for etcd ${version} in ${specDir}: compared with etcd ${nearest}, the nearest release of ${minor(version)} there` };
  }
  return { note: `no specs for etcd ${minor(version)}.x in ${specDir}: only the path prefix was checked, from the built-in table of what etcd ${version} serves` };
}
