// Where each (re)created watch goes: a shared websocket on the current endpoint when one can be used, otherwise
// its own HTTP POST. Endpoints rotate when one fails; sockets are shared per endpoint and closed with the client.
import { EtcdDecodeError, EtcdError, EtcdLimitError, isRetriable } from '../errors.js';
import { byteLimits } from '../wire/limits.js';
import { nodeTlsOptions } from '../core/engines/tls.js';
import { raceEnding, raceSignal, type Scope } from '../core/signals.js';
import {
  answersProgressAfterResume,
  websocketCarriesAuth,
  websocketCarriesLargeMessages,
  websocketEndsStreams,
} from '../core/etcd-version.js';
import type { Ending, OperationDescriptor, Transport, WebSocketConstructor } from '../types.js';
import { openPostChannel } from './channel.js';
import { carriesWatchIds } from './request.js';
import type { EncodeWatchRequest, KeepaliveTuning, WatchChannel, WatchOpener } from './types.js';
import { resolveWebSocket, watchSocketUrl } from './frames.js';
import { createWatchSocket, type WatchSocket } from './websocket.js';

/** The read-only Txn post-progress.ts reads revisions with. */
const READ_TXN: OperationDescriptor = { name: 'kv.txn', route: '/kv/txn', safety: 'read' };

const DEFAULT_KEEPALIVE: KeepaliveTuning = { intervalMs: 5_000, timeoutMs: 5_000 };

interface SocketEntry {
  readonly ready: Promise<WatchSocket>;
  socket?: WatchSocket;
}

/** The hub of `transport`'s watches (watch/index.ts keeps one per transport). */
export function createWatchHub(transport: Transport, encode: EncodeWatchRequest): WatchOpener {
  return new Hub(transport, encode);
}

class Hub implements WatchOpener {
  private readonly WebSocket: WebSocketConstructor | undefined;
  private readonly keepalive: KeepaliveTuning;
  private readonly socketOptions: Record<string, unknown> | undefined;
  private readonly maxMessageBytes: number;
  private readonly sockets = new Map<string, SocketEntry>();

  constructor(
    private readonly transport: Transport,
    readonly encode: EncodeWatchRequest,
  ) {
    const { WebSocket, tls } = transport.options;
    // A shared socket tells its watches apart by client-chosen IDs: a client whose spec predates them (before
    // etcd 3.3.27) cannot send them, so each of its watches is a POST. The global WebSocket takes no TLS
    // options: with `tls`, only a class the user gives (ws-style) is used.
    const usable = carriesWatchIds(encode) && !(tls !== undefined && WebSocket === undefined);
    this.WebSocket = usable ? resolveWebSocket(WebSocket) : undefined;
    this.maxMessageBytes = byteLimits(transport.options).maxMessageBytes;
    // A class the user gives (`ws`-style) also takes `maxPayload`: it stops reading a frame past the limit at its
    // header. The global WebSocket takes no options; the socket checks each frame's size itself.
    this.socketOptions =
      WebSocket === undefined || WebSocket === null
        ? undefined
        : { ...(tls === undefined ? {} : nodeTlsOptions(tls)), maxPayload: this.maxMessageBytes };
    this.keepalive = keepaliveTuning(transport.options.watchKeepalive);
    transport.lifetime.onAbort((reason) => {
      for (const entry of this.sockets.values()) entry.socket?.shutdown(reason, false);
      this.sockets.clear();
    });
  }

  get endpointCount(): number {
    return this.transport.endpoints.length;
  }

  get currentEndpoint(): string {
    return this.transport.currentEndpoint;
  }

  get lifetime(): Ending {
    return this.transport.lifetime;
  }

  async open(
    build: (watchId?: number) => Record<string, unknown>,
    scope: Scope,
    trailer: () => readonly Record<string, unknown>[] = () => [],
  ): Promise<WatchChannel> {
    const endpoint = this.transport.currentEndpoint;
    try {
      if (this.WebSocket !== undefined && (await this.websocketFits(endpoint, scope.signal))) {
        const socket = await this.socketFor(endpoint, this.WebSocket, scope.signal);
        return socket.watch(build, scope.signal);
      }
      // The server's version matters only to a POST that carries a progress request (post-progress.ts): the
      // others open without a GET /version first.
      const trailing = trailer();
      const answers = trailing.length === 0 ? undefined : await this.answersProgressAfterResume(endpoint, scope);
      return await openPostChannel(this.transport, [build(undefined), ...trailing], endpoint, scope, answers);
    } catch (error) {
      if (!scope.aborted && !isEtcdAnswer(error)) this.failed(endpoint);
      throw error;
    }
  }

  reauthenticate(channel: WatchChannel): boolean {
    if (channel.token === undefined) return false;
    if (channel.kind === 'websocket' && channel.endpoint !== undefined) {
      const entry = this.sockets.get(channel.endpoint);
      if (entry?.socket?.token === channel.token) this.sockets.delete(channel.endpoint);
    }
    return this.transport.invalidateToken(channel.token);
  }

  readTxn(body: Record<string, unknown>, signal: AbortSignal): Promise<Record<string, unknown>> {
    return this.transport.unary(READ_TXN, body, { signal });
  }

  /** False for a server that leaves a progress request unanswered after a resumed create (a failed probe: false). */
  private async answersProgressAfterResume(endpoint: string, scope: Scope): Promise<boolean> {
    try {
      return answersProgressAfterResume(await raceEnding(this.transport.versionAt(endpoint), scope));
    } catch {
      return false; // proving progress works on every server; waiting for an answer does not
    }
  }

  /** A connection to `endpoint` failed: new watches (and calls) start on the next endpoint. */
  failed(endpoint: string): void {
    this.transport.endpointFailed(endpoint);
  }

  /**
   * A shared socket needs etcd 3.4+ (the /v3 prefix: client-chosen watch IDs, progress requests), a proxy that
   * carries messages over 64 KiB (3.4.15+), a server that ends a watch stream when its socket closes (3.4; from
   * 3.5 on each closed socket would leave a stream behind) and, when the client authenticates, a server that takes
   * the token over a websocket.
   */
  private async websocketFits(endpoint: string, signal: AbortSignal): Promise<boolean> {
    if ((await raceSignal(this.transport.prefixFor(endpoint), signal)) !== '/v3') return false;
    const version = await raceSignal(this.transport.versionAt(endpoint), signal);
    if (!websocketCarriesLargeMessages(version) || !websocketEndsStreams(version)) return false;
    return this.transport.options.auth === undefined || websocketCarriesAuth(version);
  }

  private async socketFor(
    endpoint: string,
    WebSocket: WebSocketConstructor,
    signal: AbortSignal,
  ): Promise<WatchSocket> {
    let entry = this.sockets.get(endpoint);
    if (entry?.socket?.closed === true) entry = undefined;
    if (entry === undefined) {
      const created: SocketEntry = { ready: this.connect(endpoint, WebSocket) };
      created.ready.then(
        (socket) => (created.socket = socket),
        () => this.sockets.get(endpoint) === created && this.sockets.delete(endpoint),
      );
      this.sockets.set(endpoint, created);
      entry = created;
    }
    const socket = await raceSignal(entry.ready, signal);
    await raceSignal(socket.opened, signal);
    return socket;
  }

  /** Shared by every watch that waits for it, so it is bound to the client, not to one watch's signal. */
  private async connect(endpoint: string, WebSocket: WebSocketConstructor): Promise<WatchSocket> {
    const closed = this.transport.closed;
    const prefix = await this.transport.prefixFor(endpoint);
    const token = this.transport.options.auth === undefined ? undefined : await this.transport.token(endpoint, closed);
    closed.throwIfAborted();
    return createWatchSocket({
      WebSocket,
      url: watchSocketUrl(endpoint, prefix),
      endpoint,
      token,
      options: this.socketOptions,
      encode: this.encode,
      keepalive: this.keepalive,
      maxMessageBytes: this.maxMessageBytes,
      onClosed: (socket, abnormal, error) => {
        const entry = this.sockets.get(endpoint);
        if (entry !== undefined && (entry.socket === socket || entry.socket === undefined))
          this.sockets.delete(endpoint);
        // A frame past the limit: the watches resume here once, and move on the second time (WatchRun).
        if (abnormal && !(error instanceof EtcdLimitError)) this.failed(endpoint);
      },
    });
  }
}

/** A final answer from etcd (not a connection failure or UNAVAILABLE): no reason to leave the endpoint. */
function isEtcdAnswer(error: unknown): boolean {
  return (error instanceof EtcdError && !isRetriable(error)) || error instanceof EtcdDecodeError;
}

function keepaliveTuning(option: { intervalMs?: number; timeoutMs?: number } | undefined): KeepaliveTuning {
  const intervalMs = option?.intervalMs ?? DEFAULT_KEEPALIVE.intervalMs;
  const timeoutMs = option?.timeoutMs ?? DEFAULT_KEEPALIVE.timeoutMs;
  for (const [name, value] of [
    ['intervalMs', intervalMs],
    ['timeoutMs', timeoutMs],
  ] as const) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new RangeError(
        `ClientOptions.watchKeepalive.${name} must be a positive number of milliseconds, got ${value}`,
      );
    }
  }
  return { intervalMs, timeoutMs };
}
