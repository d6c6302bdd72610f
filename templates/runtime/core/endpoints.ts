// Endpoint facts: URL normalization, which gateway prefix a server version serves, reading GET /version, and
// which connection failures prove that a request never reached a server.
import { EtcdDecodeError, EtcdError, systemErrorCode } from '../errors.js';
import { grpcCodeForHttpStatus } from '../wire/error-body.js';
import type { Ending, HttpEngine, OperationDescriptor, Prefix } from '../types.js';
import { parseEtcdVersion } from './etcd-version.js';
import { readBody } from './responses.js';

const VERSION: OperationDescriptor = { name: 'GET /version', route: '/version', safety: 'read', noAuth: true };

/** Trims, drops trailing slashes and duplicates; throws TypeError on anything but http(s) URLs. */
export function normalizeEndpoints(input: string | readonly string[]): string[] {
  const list = typeof input === 'string' ? [input] : input;
  const out: string[] = [];
  for (const raw of list) {
    const endpoint = normalizeEndpoint(raw);
    if (!out.includes(endpoint)) out.push(endpoint);
  }
  if (out.length === 0) throw new TypeError('ClientOptions.endpoints is empty: give at least one http(s) URL');
  return out;
}

export function normalizeEndpoint(raw: string): string {
  const endpoint = typeof raw === 'string' ? raw.trim().replace(/\/+$/, '') : '';
  if (!/^https?:\/\/[^/?#\s]+(?:\/[^?#\s]*)?$/i.test(endpoint)) {
    throw new TypeError(`invalid etcd endpoint ${JSON.stringify(raw)}: expected a URL like http://127.0.0.1:2379`);
  }
  return endpoint;
}

/** The gateway prefix a server serves: 3.4+ → /v3, 3.3 → /v3beta, 3.2 and older → /v3alpha. */
export function prefixForVersion(version: string): Prefix {
  const parsed = parseEtcdVersion(version);
  if (parsed === undefined)
    throw new RangeError(`cannot tell the gateway prefix of etcd version ${JSON.stringify(version)}`);
  const { major, minor } = parsed;
  if (major > 3 || (major === 3 && minor >= 4)) return '/v3';
  if (major === 3 && minor === 3) return '/v3beta';
  return '/v3alpha';
}

/** System error codes of a failed fetch that prove the request was never sent (safe to send elsewhere). */
const NEVER_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * True when a fetch failure proves the request never reached a server (connection refused, unknown host,
 * unreachable). A reset, a timeout or a browser's opaque TypeError prove nothing: the request may have been
 * applied.
 */
export function neverReachedServer(error: unknown): boolean {
  const code = systemErrorCode(error);
  return code !== undefined && NEVER_SENT_CODES.has(code);
}

/** The endpoint at `index` failed: if new calls start there, they start on the next one (round robin). */
export function moveOn(ring: { readonly endpoints: readonly string[]; current: number }, index: number): void {
  if (index >= 0 && ring.current === index) ring.current = (index + 1) % ring.endpoints.length;
}

/** A 2xx status. */
export function isOk(status: number): boolean {
  return status >= 200 && status < 300;
}

/** GET <endpoint>/version → the `etcdserver` version, e.g. '3.4.23'. */
export async function fetchServerVersion(
  engine: HttpEngine,
  endpoint: string,
  headers: Readonly<Record<string, string>>,
  ending: Ending,
  maxBytes = Infinity,
): Promise<string> {
  const url = `${endpoint}/version`;
  const response = await engine.send({
    url,
    method: 'GET',
    headers,
    get signal() {
      return ending.signal; // made only for an engine that reads it
    },
    ending,
  });
  const text = await readBody(response, VERSION, endpoint, maxBytes);
  if (!isOk(response.status)) {
    const why = `GET ${url} answered HTTP ${response.status}: cannot detect the etcd version (set the prefix option explicitly)`;
    throw new EtcdError(why, { code: grpcCodeForHttpStatus(response.status), httpStatus: response.status, endpoint });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new EtcdDecodeError('etcdserver', `GET ${url} did not answer JSON: ${text.slice(0, 80)}`);
  }
  const version = (body as { etcdserver?: unknown } | null)?.etcdserver;
  if (typeof version !== 'string' || version === '') {
    throw new EtcdDecodeError('etcdserver', `GET ${url} answered no etcdserver version: ${text.slice(0, 80)}`);
  }
  return version;
}
