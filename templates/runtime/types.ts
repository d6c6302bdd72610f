// The runtime's vocabulary: the types the transport family shares (what a call is, what a transport does, the
// options a client takes). Types only, importing nothing, so every room (core, watch, helpers) and the generated
// code can speak of a transport without loading one.

/** The gateway path prefix: chosen per endpoint from its server version unless the client fixes it. */
export type Prefix = '/v3' | '/v3beta' | '/v3alpha';

export type AuthOptions = { name: string; password: string } | { token: string };

/** A WebSocket instance: the browser's, Node 22's global one, or `ws`'s. */
export interface WebSocketLike {
  readonly readyState: number;
  /** The subprotocol the server picked ('' when none). */
  readonly protocol: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: any) => void): void;
}

/**
 * A WebSocket class: `new (url, protocols?)`, like the browser's. With `ClientOptions.tls`, a `ws`-style class also
 * gets the TLS options (ca, cert, key, …) as a third argument.
 */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: Record<string, unknown>,
) => WebSocketLike;

/**
 * Something that ends once, with a reason, and can be listened to without an AbortSignal: a client's life, a
 * call's scope. An AbortSignal (with its EventTarget) costs more than the rest of a call against an in-memory
 * server, so the client's own parts listen this way and make `signal` only for what needs one (fetch, a user).
 */
export interface Ending {
  readonly aborted: boolean;
  /** The abort reason (undefined until aborted). */
  readonly reason: unknown;
  /** The same ending as an AbortSignal, made on first read. */
  readonly signal: AbortSignal;
  /** Calls `listener(reason)` when it ends (at once if it has); returns the function that stops it. */
  onAbort(listener: (reason: unknown) => void): () => void;
}

/** One HTTP exchange as the transport sends it; an engine (fetch, node:http) carries it. */
export interface HttpRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Aborting it abandons the request (and its response body) at once. */
  readonly signal: AbortSignal;
  /**
   * The same abandonment without an AbortSignal (`signal` is made on first read): an engine that needs only to
   * hear of it (the in-memory fake) listens here. Absent on requests not made by the transport.
   */
  readonly ending?: Ending;
}

/** What an engine answers once the status line and headers arrived. */
export interface HttpResponse {
  readonly status: number;
  header(name: string): string | null;
  /**
   * The whole body as text (unary answers, error bodies); read the body once, this way or as `chunks()`. Past
   * `maxBytes` (default: no limit) it stops reading, closes the connection and rejects with an error whose `code`
   * is 'ETCD_READ_LIMIT' (wire/limits.ts); the transport checks the length again for engines that do not.
   */
  text(maxBytes?: number): Promise<string>;
  /** The body chunk by chunk (streams); ends when the server ends it, throws when the connection breaks. */
  chunks(): AsyncIterable<Uint8Array>;
}

/**
 * Sends HTTP requests for the transport. Connection failures reject with the underlying error (its `code` or
 * `cause.code`, e.g. ECONNREFUSED, tells whether the request provably never reached a server).
 */
export interface HttpEngine {
  send(request: HttpRequest): Promise<HttpResponse>;
  /** Releases pooled connections (keep-alive sockets); called by the client's close(). */
  close?(): void;
}

/**
 * TLS for `https://` endpoints in Node (and runtimes with node:https). PEM text or bytes; `ca` may be a list.
 * Not available in a browser, which owns TLS: giving it there throws a TypeError.
 */
export interface TlsOptions {
  ca?: string | Uint8Array | readonly (string | Uint8Array)[];
  cert?: string | Uint8Array;
  key?: string | Uint8Array;
  passphrase?: string;
  servername?: string;
  rejectUnauthorized?: boolean;
}

export interface ClientOptions {
  endpoints: string | readonly string[];
  prefix?: 'auto' | Prefix;
  auth?: AuthOptions;
  /** Send every request through this fetch (forces the fetch engine, also in Node). */
  fetch?: typeof fetch;
  /** Send every request through this engine (overrides `fetch` and the default choice). */
  engine?: HttpEngine;
  tls?: TlsOptions;
  timeoutMs?: number;
  headers?: Record<string, string>;
  requireLeader?: boolean;
  /**
   * Send each call's deadline as `Grpc-Timeout` so etcd stops working on it too (default: true, but false in a
   * browser, where etcd's CORS answer does not allow the header). The client enforces the deadline either way.
   */
  deadlineHeader?: boolean;
  retry?: { deadlineMs?: number; initialBackoffMs?: number; maxBackoffMs?: number };
  /**
   * The WebSocket class watches share one socket per endpoint through (default: the global one); null: POSTs. With
   * `tls`, only a class given here is used (a `ws`-style one, which takes TLS options as its third argument): the
   * global WebSocket cannot take a CA or a client certificate, so watches then go over POST.
   */
  WebSocket?: WebSocketConstructor | null;
  /**
   * Hung members: while calls or streams wait on an endpoint silent for `quietMs` (3000), a `GET /version` probes it;
   * unanswered within `timeoutMs` (4000), they are aborted and move to another member (a write that may have been
   * applied is not re-sent). false: no probes (a call without a deadline then waits as long as its member does).
   */
  liveness?: { quietMs?: number; timeoutMs?: number } | false;
  /** A watch socket silent for `intervalMs` (5000) gets a progress request; unanswered for `timeoutMs` (5000): dead. */
  watchKeepalive?: { intervalMs?: number; timeoutMs?: number };
  /**
   * Told about every call attempt, stream, watch reconnect, authentication and endpoint sync (see ClientEvent):
   * the one place to count, time and trace what the client does (Prometheus, OpenTelemetry) without a
   * dependency. Called synchronously; it must not block, and what it throws is reported as an uncaught error
   * without touching the call.
   */
  observe?: (event: ClientEvent) => void;
  /**
   * The most the client reads of one unary answer (error bodies and `GET /version` too), in bytes: 64 MiB by
   * default, `Infinity` for no limit. Past it the client stops reading, closes that connection and the call fails
   * with EtcdLimitError, so a broken or hostile server cannot make it buffer without end.
   */
  maxResponseBytes?: number;
  /**
   * The most the client reads of one message of a stream (an NDJSON line of a watch, keepalive, snapshot or
   * observe; a websocket frame), in bytes: 64 MiB by default, `Infinity` for no limit. Past it the stream is
   * broken with EtcdLimitError (a watch resumes from its last revision; the second time on the same endpoint it
   * moves to the next one, and once that happened on every endpoint it ends with the error).
   */
  maxMessageBytes?: number;
  /**
   * Refresh the endpoint list from `cluster.memberList` every this many milliseconds (off by default), as Go's
   * `AutoSyncInterval`: the client URLs of every started, voting member replace `endpoints`. A failed or empty
   * answer keeps the list as it is. Needs the auto-sync layer (createClient has it).
   */
  autoSyncIntervalMs?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * This write may be applied twice (a put of a fixed value, a delete, a txn guarded by what it changes): retry it
   * like a read, on the next endpoint with backoff until `retry.deadlineMs`, also after a failure that may have
   * reached a server (a reset connection, a 503, a member restarting). Off by default: a write is sent again
   * only when it provably never reached a server. Reads ignore it.
   */
  idempotent?: boolean;
}

/**
 * One thing the client did, reported to `ClientOptions.observe` when it ended:
 * - `call`: one attempt of a unary call on one endpoint. A call retried elsewhere reports every attempt (1, 2, …;
 *   the last one's outcome is the call's), like OpenTelemetry's one span per HTTP request sent.
 * - `stream`: one streaming call (watch POST, lease keepalive, snapshot, election observe) on one endpoint, from
 *   open to end; a stream that fails to open reports that attempt.
 * - `reconnect`: one attempt to create a watch again after its stream dropped (attempt counts since the drop).
 * - `authenticate`: one token fetched with `auth: { name, password }` (a first one or after expiry).
 * - `sync`: one refresh of the endpoint list by `autoSyncIntervalMs`.
 */
export interface ClientEvent {
  readonly type: 'call' | 'stream' | 'reconnect' | 'authenticate' | 'sync';
  /** `kv.put`, `watch.watch`, `auth.authenticate`, `cluster.memberList`, … */
  readonly operation: string;
  /** The endpoint it went to ('' when the client had not picked one). */
  readonly endpoint: string;
  /** 1 for the first attempt; retries and reconnects count on. */
  readonly attempt: number;
  /** Epoch milliseconds when it started. */
  readonly startTime: number;
  readonly durationMs: number;
  /** `ok`, or `error` (`error` holds what was thrown; a stream the client stopped ended `ok`). */
  readonly outcome: 'ok' | 'error';
  /** The gRPC code name: 'OK', 'CANCELLED', 'UNAVAILABLE' (also a connection failure), 'INTERNAL' (a malformed answer), … */
  readonly code: string;
  readonly error?: unknown;
}

export interface OperationDescriptor {
  readonly name: string;
  readonly route: string;
  readonly safety: 'read' | 'write';
  readonly noAuth?: boolean;
  /**
   * Routes at which a server runs another RPC than this operation's (etcd 3.3/3.4 specs bind HashKV at
   * /maintenance/hash, which servers answer with Hash): the generated method fails before sending (core/route-check.ts).
   */
  readonly answeredBy?: Readonly<Record<string, RouteAnswer>>;
}

/** The RPC a server runs at a route, for server versions from `since` (inclusive) to `before` (exclusive). */
export interface RouteAnswer {
  readonly rpc: string;
  readonly since?: string;
  readonly before?: string;
}

/** A namespace (client.namespace): every key the client sends starts with `prefix`, which answers leave out. */
export interface Keyspace {
  /** The bytes every key starts with on the server (nested namespaces: their prefixes joined). */
  readonly prefix: Uint8Array;
  /** The transport without any namespace, which carries the calls (watches share its sockets). */
  readonly root: Transport;
}

export interface Transport {
  unary(op: OperationDescriptor, body: unknown, options?: CallOptions): Promise<Record<string, unknown>>;
  /** `within`: the stream also ends with it (the client's own callers, a watch's channel: no AbortSignal made). */
  stream(
    op: OperationDescriptor,
    body: unknown | readonly unknown[],
    options?: CallOptions,
    within?: Ending,
  ): AsyncGenerator<Record<string, unknown>>;
  /** The version of the first endpoint that answers `GET /version`; undefined when none does. */
  serverVersion(): Promise<string | undefined>;
  /** The endpoint new calls and watches start on. */
  readonly currentEndpoint: string;
  /**
   * A connection to `endpoint` failed, or it hung: new calls and watches start on the next endpoint (the one
   * rotation failover, liveness and watches share), and its version is asked again when it is next used.
   */
  endpointFailed(endpoint: string): void;
  /** `GET /version` of one endpoint, asked once and cached per endpoint (a failure is not cached). */
  versionAt(endpoint: string): Promise<string>;
  prefixFor(endpoint: string): Promise<Prefix>;
  /** The token calls send (authenticating first when needed), via `endpoint` or the current one; undefined: no auth. */
  token(endpoint?: string, signal?: AbortSignal): Promise<string | undefined>;
  /** Drops `token` after the server rejected it, so the next call authenticates again; false for a static token. */
  invalidateToken(token: string): boolean;
  readonly options: ClientOptions;
  readonly endpoints: readonly string[];
  /** Aborted by close(): background helpers (lease keepers, observers) stop with the client. */
  readonly closed: AbortSignal;
  /** The same as `closed`, for the client's own parts: listening to it makes no AbortSignal. */
  readonly lifetime: Ending;
  /** Set on a namespace's transport: unary calls and streams are rewritten, watches apply it themselves. */
  readonly keyspace?: Keyspace | undefined;
  close(): void;
}
