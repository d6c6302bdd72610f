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

export interface ClientOptions {
  endpoints: string | readonly string[];
  prefix?: 'auto' | Prefix;
  auth?: AuthOptions;
  fetch?: typeof fetch;
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
}

export interface Transport {
  unary(op: OperationDescriptor, body: unknown, options?: CallOptions): Promise<Record<string, unknown>>;
  stream(
    op: OperationDescriptor,
    body: unknown | readonly unknown[],
    options?: CallOptions,
  ): AsyncGenerator<Record<string, unknown>>;
  serverVersion(): Promise<string | undefined>;
  prefixFor(endpoint: string): Promise<Prefix>;
  /** The token calls send (authenticating first when needed), via `endpoint` or the current one; undefined: no auth. */
  token(endpoint?: string, signal?: AbortSignal): Promise<string | undefined>;
  /** Drops `token` after the server rejected it, so the next call authenticates again; false for a static token. */
  invalidateToken(token: string): boolean;
  readonly options: ClientOptions;
  readonly endpoints: readonly string[];
  /** Aborted by close(): background helpers (lease keepers, observers) stop with the client. */
  readonly closed: AbortSignal;
  close(): void;
}
