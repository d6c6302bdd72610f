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

/** A WebSocket class: `new (url, protocols?)`, like the browser's. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** One HTTP exchange as the transport sends it; an engine (fetch, node:http) carries it. */
export interface HttpRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Aborting it abandons the request (and its response body) at once. */
  readonly signal: AbortSignal;
}

/** What an engine answers once the status line and headers arrived. */
export interface HttpResponse {
  readonly status: number;
  header(name: string): string | null;
  /** The whole body as text (unary answers, error bodies); read the body once, this way or as `chunks()`. */
  text(): Promise<string>;
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
  /** The WebSocket class watches share one socket per endpoint through (default: the global one); null: POSTs. */
  WebSocket?: WebSocketConstructor | null;
  /** A watch socket silent for `intervalMs` (5000) gets a progress request; unanswered for `timeoutMs` (5000): dead. */
  watchKeepalive?: { intervalMs?: number; timeoutMs?: number };
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
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
  stream(
    op: OperationDescriptor,
    body: unknown | readonly unknown[],
    options?: CallOptions,
  ): AsyncGenerator<Record<string, unknown>>;
  /** The version of the first endpoint that answers `GET /version`; undefined when none does. */
  serverVersion(): Promise<string | undefined>;
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
  /** Set on a namespace's transport: unary calls and streams are rewritten, watches apply it themselves. */
  readonly keyspace?: Keyspace | undefined;
  close(): void;
}
