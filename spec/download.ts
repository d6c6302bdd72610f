/**
 * Specs by etcd version, from the network: `rpc`, `v3lock` and `v3election` downloaded from the etcd repository
 * at tag `v<version>` into a user cache directory, each checked against the manifest's (or the user's pinned)
 * SHA-256. The only network I/O in the generator; `resolve.ts` calls it through `ResolveOptions.fetchVersion`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { OptionError, SpecError } from './errors.js';
import { knownVersion, SPEC_NAMES, specFileName, type SpecDigests, type SpecName } from './manifest.js';
import type { SpecInput, SpecSet } from './resolve.js';

export const DEFAULT_SPECS_BASE_URL = 'https://raw.githubusercontent.com/etcd-io/etcd';
/** Where the spec files live in the etcd repository at a release tag. */
export const SPECS_PATH = 'Documentation/dev-guide/apispec/swagger';

/** Digests a user pinned, by etcd version then spec name; they take the place of the manifest's. */
export type PinnedDigests = Readonly<Record<string, Partial<SpecDigests>>>;

export interface DownloadProgress {
  readonly version: string;
  readonly file: string;
  readonly receivedBytes: number;
  /** From Content-Length, when the server sent one. */
  readonly totalBytes: number | undefined;
}

export interface DownloadOptions {
  /** Default: `$ETCD_SPECS_BASE_URL`, else the etcd repository on raw.githubusercontent.com. */
  readonly baseUrl?: string | undefined;
  /** Default: `defaultCacheDir()`. Spec files land in `<cacheDir>/specs/v<version>/`. */
  readonly cacheDir?: string | undefined;
  readonly pins?: PinnedDigests | undefined;
  readonly fetch?: typeof globalThis.fetch | undefined;
  readonly onProgress?: ((progress: DownloadProgress) => void) | undefined;
  /** Told what a user should know, e.g. the digests of a version the manifest does not know. */
  readonly onNote?: ((note: string) => void) | undefined;
  readonly timeoutMs?: number | undefined;
  /** Refuse a version neither the manifest nor `pins` knows, after telling its digests (`generate --check`). */
  readonly requirePins?: boolean | undefined;
}

/** `$ETCD_GATEWAY_CODEGEN_CACHE_DIR`, else `$XDG_CACHE_HOME/etcd-gateway-codegen`, else `~/.cache/etcd-gateway-codegen`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['ETCD_GATEWAY_CODEGEN_CACHE_DIR']) return env['ETCD_GATEWAY_CODEGEN_CACHE_DIR'];
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'etcd-gateway-codegen');
}

export function specUrl(baseUrl: string, version: string, name: SpecName): string {
  return `${baseUrl.replace(/\/+$/, '')}/v${version}/${SPECS_PATH}/${specFileName(name)}`;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A `ResolveOptions.fetchVersion`: the cached copy when its digest is right, else a verified download. */
export function createSpecDownloader(options: DownloadOptions = {}): (version: string) => Promise<SpecSet> {
  const baseUrl = options.baseUrl ?? (process.env['ETCD_SPECS_BASE_URL'] || DEFAULT_SPECS_BASE_URL);
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  return async (version) => {
    const expected = expectedDigests(version, options.pins);
    const dir = join(cacheDir, 'specs', `v${version}`);
    const got = new Map<SpecName, string>();
    let downloaded = false;
    const inputs: SpecInput[] = [];
    for (const name of SPEC_NAMES) {
      const fetched = await cachedOrDownloaded({ baseUrl, dir, version, name, expected, options });
      if (fetched === undefined) continue;
      downloaded ||= fetched.downloaded;
      got.set(name, sha256Hex(fetched.bytes));
      inputs.push({ file: join(dir, specFileName(name)), basename: specFileName(name), version, text: new TextDecoder().decode(fetched.bytes) });
    }
    if (!expected.digests && options.requirePins) throw new OptionError('--etcd', unpinnedRefusal(version, got));
    if (downloaded && !expected.digests) options.onNote?.(unknownVersionNote(version, got));
    return { version, inputs };
  };
}

interface FetchRequest {
  readonly baseUrl: string;
  readonly dir: string;
  readonly version: string;
  readonly name: SpecName;
  readonly expected: { digests?: Partial<SpecDigests>; source: string };
  readonly options: DownloadOptions;
}

/**
 * One spec file: the cached copy, else a verified download. etcd 3.0 and 3.1 publish only rpc: a v3lock or
 * v3election the tag does not have (404) is left out when no digest expects it, and remembered in the cache
 * (`<file>.absent`) so that the next run needs no network.
 */
async function cachedOrDownloaded(req: FetchRequest): Promise<{ bytes: Uint8Array; downloaded: boolean } | undefined> {
  const { dir, version, name, expected, options } = req;
  const file = join(dir, specFileName(name));
  const digest = expected.digests?.[name];
  const cached = await readCached(file, digest);
  if (cached) return { bytes: cached, downloaded: false };
  const optional = name !== 'rpc' && digest === undefined;
  if (optional && (await readFile(`${file}.absent`).then(() => true, () => false))) return undefined;
  const url = specUrl(req.baseUrl, version, name);
  const bytes = await download({ url, version, name, options, optional });
  if (bytes === undefined) {
    await writeCached(dir, `${file}.absent`, new Uint8Array());
    return undefined;
  }
  refuseMismatch(url, sha256Hex(bytes), digest, expected.source, version);
  await writeCached(dir, file, bytes);
  return { bytes, downloaded: true };
}

function expectedDigests(version: string, pins: PinnedDigests | undefined): { digests?: Partial<SpecDigests>; source: string } {
  const pinned = pins?.[version];
  if (pinned) return { digests: pinned, source: 'the pinned sha256' };
  const known = knownVersion(version);
  return known ? { digests: known.sha256, source: `the manifest for etcd ${version}` } : { source: '' };
}

/** The cached bytes when present and (if a digest is expected) intact; a wrong copy is downloaded again. */
async function readCached(file: string, expected: string | undefined): Promise<Uint8Array | undefined> {
  const bytes = await readFile(file).catch(() => undefined);
  if (!bytes) return undefined;
  return expected === undefined || sha256Hex(bytes) === expected.toLowerCase() ? bytes : undefined;
}

async function writeCached(dir: string, file: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dir, { recursive: true });
  const temp = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, bytes);
    await rename(temp, file); // atomic: a concurrent run sees the old file or the whole new one
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

function refuseMismatch(url: string, got: string, expected: string | undefined, source: string, version: string): void {
  if (expected === undefined || got === expected.toLowerCase()) return;
  throw new SpecError(url, '', `SHA-256 is ${got}, but ${source} says ${expected.toLowerCase()}; refusing the download of etcd ${version}'s spec`);
}

interface DownloadRequest {
  readonly url: string;
  readonly version: string;
  readonly name: SpecName;
  readonly options: DownloadOptions;
  /** A 404 means the tag does not publish this file: undefined, not an error. */
  readonly optional?: boolean;
}

async function download({ url, version, name, options, optional }: DownloadRequest): Promise<Uint8Array | undefined> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await fetchImpl(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 60_000) });
  } catch (e) {
    throw new OptionError('--etcd', `cannot download etcd ${version}'s specs from ${url} (${reason(e)}). ${offlineHint(version)}`);
  }
  if (response.status === 404 && optional) return undefined;
  if (!response.ok) {
    const tag = response.status === 404 ? ` Is v${version} an etcd release tag?` : '';
    throw new OptionError('--etcd', `${url} answered HTTP ${response.status}.${tag} ${offlineHint(version)}`);
  }
  try {
    return await readBody(response, (receivedBytes, totalBytes) =>
      options.onProgress?.({ version, file: specFileName(name), receivedBytes, totalBytes }),
    );
  } catch (e) {
    throw new OptionError('--etcd', `the download of ${url} broke off (${reason(e)}). ${offlineHint(version)}`);
  }
}

async function readBody(response: Response, progress: (received: number, total: number | undefined) => void): Promise<Uint8Array> {
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : undefined;
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body?.getReader();
  for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read()) {
    chunks.push(chunk.value);
    received += chunk.value.byteLength;
    progress(received, total);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function reason(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  const cause = err.cause?.code ?? err.cause?.message;
  return cause ? `${err.message}: ${cause}` : (err.message ?? String(e));
}

/** What to do without a network: the same words whether nothing was cached or the server was unreachable. */
export function offlineHint(version: string): string {
  return (
    `To work offline, point ETCD_SPECS_DIR (or --spec-dir) at a directory holding v${version}/` +
    `${SPEC_NAMES.map(specFileName).join(', ')} — copies of ${SPECS_PATH}/ from the etcd repository at tag v${version}.`
  );
}

/** The config entry that pins these digests. */
function pinLine(version: string, digests: ReadonlyMap<SpecName, string>): string {
  return `  "sha256": ${JSON.stringify({ [version]: Object.fromEntries(digests) })}`;
}

function unpinnedRefusal(version: string, digests: ReadonlyMap<SpecName, string>): string {
  return (
    `etcd ${version} is not in this generator's manifest and its specs are not pinned: --check accepts only verified specs. ` +
    `Check these SHA-256 digests of its specs and pin them in etcd-gateway-codegen.config.json:\n${pinLine(version, digests)}`
  );
}

function unknownVersionNote(version: string, digests: ReadonlyMap<SpecName, string>): string {
  return (
    `etcd ${version} is not in this generator's manifest, so its downloaded specs were not verified. ` +
    `Their SHA-256 digests — pin them in etcd-gateway-codegen.config.json to refuse any other bytes later:\n` +
    pinLine(version, digests)
  );
}
