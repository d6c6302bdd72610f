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
      const file = join(dir, specFileName(name));
      let bytes = await readCached(file, expected.digests?.[name]);
      if (!bytes) {
        bytes = await download({ url: specUrl(baseUrl, version, name), version, name, options });
        refuseMismatch(specUrl(baseUrl, version, name), sha256Hex(bytes), expected.digests?.[name], expected.source, version);
        await writeCached(dir, file, bytes);
        downloaded = true;
      }
      got.set(name, sha256Hex(bytes));
      inputs.push({ file, basename: specFileName(name), version, text: new TextDecoder().decode(bytes) });
    }
    if (downloaded && !expected.digests) options.onNote?.(unknownVersionNote(version, got));
    return { version, inputs };
  };
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
}

async function download({ url, version, name, options }: DownloadRequest): Promise<Uint8Array> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await fetchImpl(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 60_000) });
  } catch (e) {
    throw new OptionError('--etcd', `cannot download etcd ${version}'s specs from ${url} (${reason(e)}). ${offlineHint(version)}`);
  }
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

function unknownVersionNote(version: string, digests: ReadonlyMap<SpecName, string>): string {
  const pin = JSON.stringify({ [version]: Object.fromEntries(digests) });
  return (
    `etcd ${version} is not in this generator's manifest, so its downloaded specs were not verified. ` +
    `Their SHA-256 digests — pin them in etcd-gateway-codegen.config.json to refuse any other bytes later:\n` +
    `  "sha256": ${pin}`
  );
}
