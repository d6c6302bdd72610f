// etcd server versions as `GET /version` reports them (`3.5.16`, `v3.4.23`, `3.6.0-rc.1`): read once here, for
// the prefix a server serves, what its websocket proxy carries, and which RPCs it routes.

export interface EtcdVersion {
  readonly major: number;
  readonly minor: number;
  /** Undefined when the text gives only `major.minor`. */
  readonly patch: number | undefined;
}

/** `v3.4.23` → { 3, 4, 23 }; `3.4` → { 3, 4, undefined }; undefined when the text does not start like a version. */
export function parseEtcdVersion(text: string): EtcdVersion | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (match === null) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: match[3] === undefined ? undefined : Number(match[3]),
  };
}

/** The release a version belongs to, without a pre-release or build suffix: `3.6.0-rc.1` → `3.6.0`. */
export function releaseOf(version: string): string {
  return version.replace(/[-+].*$/, '');
}

/** Numeric ordering of `major.minor.patch`. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/**
 * Whether an etcd server accepts a token through the websocket proxy. The proxy can only forward the
 * `Sec-WebSocket-Protocol: Bearer, <token>` header as `Authorization: Bearer <token>`, and etcd strips the
 * `Bearer ` prefix from 3.5.32, 3.6.13 and 3.7 on (older servers reject it as an invalid token).
 */
export function websocketCarriesAuth(version: string): boolean {
  const v = parseEtcdVersion(version);
  if (v?.patch === undefined) return false;
  if (v.major !== 3) return v.major > 3;
  return v.minor === 5 ? v.patch >= 32 : v.minor === 6 ? v.patch >= 13 : v.minor >= 7;
}

/**
 * Whether a server's websocket proxy carries watch messages of any size: before 3.4.15 it drops every message over
 * 64 KiB (etcd-io/etcd#12401, fixed in 3.4.15 by the backport #12402, and in 3.5.0). 3.3 buffers its websocket
 * answers (etcd-io/etcd#11815) and serves no /v3 prefix: POST there too.
 */
export function websocketCarriesLargeMessages(version: string): boolean {
  const v = parseEtcdVersion(version);
  if (v?.patch === undefined) return false;
  return v.major !== 3 ? v.major > 3 : v.minor > 4 || (v.minor === 4 && v.patch >= 15);
}

/**
 * Whether closing a websocket ends the watch stream behind it on the server. Through 3.4 the proxy cancels the
 * gateway's request when the socket closes; from 3.5 on (grpc-gateway v2) it only closes the request body, and
 * the server keeps the stream (etcd_debugging_mvcc_watch_stream_total stays up, measured on 3.5.16 and 3.5.30), so
 * every reconnect would leak one: watches take a POST there, whose stream ends with its HTTP request.
 */
export function websocketEndsStreams(version: string): boolean {
  return upTo34(version);
}

/**
 * Whether a progress request in a POST body is answered after a create with a start revision. Through 3.4 it is;
 * from 3.5 on the server answers only when every watch on the stream is synced and started at or before the
 * store's revision, which a resumed watch never is when the request arrives, and a POST cannot ask again later
 * (measured on 3.5.16 and 3.5.30). The watch then proves its progress itself (watch/post-progress.ts).
 */
export function answersProgressAfterResume(version: string): boolean {
  return upTo34(version);
}

/** An etcd 3 server of the 3.4 line or older (grpc-gateway v1 and its websocket proxy). */
function upTo34(version: string): boolean {
  const v = parseEtcdVersion(version);
  return v !== undefined && v.major === 3 && v.minor <= 4;
}
