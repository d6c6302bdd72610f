// One websocket to one endpoint's `/v3/watch`, shared by many watches: each request is a text frame, each
// response a frame `{"result":…}`. Watches get client-chosen IDs; a failed create answers with watch ID -1, so
// creates are matched to their answers in order. The gateway never pings: a socket silent for a while gets a
// progress request, and one that does not answer in time is dead: every watch on it fails (and resumes).
// The small websocket facts (the class, the URL, a frame's text) are in frames.ts.
//
// What a websocket cannot carry: `ClientOptions.headers` and `requireLeader` (a `Grpc-Metadata-hasleader` header).
// The browsers' WebSocket sets no request headers (Sec-WebSocket-Protocol is its only channel), and etcd's proxy
// (tmc/grpc-websocket-proxy with its default forwarder) passes the gateway only Origin, Referer and the token it
// takes from Sec-WebSocket-Protocol: a ws-style class that sends more headers would not get them to etcd either.
// So a shared socket sends neither; watches that need them can turn sockets off (`WebSocket: null`: one POST each,
// which carries both). docs/watch-websocket.md says the same.
import { EtcdConnectionError, EtcdLimitError } from '../errors.js';
import { frameLength, isPayloadLimit, parseFrame, wireWatchId } from './frames.js';
import { streamResult } from '../core/responses.js';
import { closedByClient, createSocketChannel, WATCH_OPERATION, type SocketChannel } from './channel.js';
import type { WebSocketConstructor, WebSocketLike } from '../types.js';
import type { EncodeWatchRequest, KeepaliveTuning, WatchChannel } from './types.js';

/** One shared websocket, as the hub uses it. */
export interface WatchSocket {
  readonly endpoint: string;
  readonly token: string | undefined;
  /** Resolves once the socket is open; rejects if it closes or times out first. */
  readonly opened: Promise<void>;
  readonly closed: boolean;
  /** Creates a watch with the next watch ID (`build` makes the create request for it). */
  watch(build: (watchId: number) => Record<string, unknown>, signal: AbortSignal): WatchChannel;
  /** Closes the socket and fails every watch on it with `error`. */
  shutdown(error: unknown, abnormal: boolean): void;
}

export interface WatchSocketInit {
  readonly WebSocket: WebSocketConstructor;
  readonly url: string;
  readonly endpoint: string;
  readonly token: string | undefined;
  /** The WebSocket constructor's third argument (TLS options for a `ws`-style class); undefined: none. */
  readonly options?: Record<string, unknown> | undefined;
  /** The generated encoder of watch requests (cancel and progress requests here). */
  readonly encode: EncodeWatchRequest;
  readonly keepalive: KeepaliveTuning;
  /** ClientOptions.maxMessageBytes: a longer frame breaks the socket with EtcdLimitError (`ws` stops reading it at once). */
  readonly maxMessageBytes: number;
  /** Called once when the socket is gone with what failed its watches; `abnormal` unless no watch used it. */
  readonly onClosed: (socket: WatchSocket, abnormal: boolean, error: unknown) => void;
}

/** How long an unused socket stays open for the next watch. */
const LINGER_MS = 1_000;
/** The close code of a frame too large for the receiver (RFC 6455), which `ws` closes with past `maxPayload`. */
const MESSAGE_TOO_BIG = 1009;

/** Opens a websocket to `init.url`; watches can be created on it once `opened` resolved. */
export function createWatchSocket(init: WatchSocketInit): WatchSocket {
  return new SharedSocket(init);
}

class SharedSocket implements WatchSocket {
  readonly endpoint: string;
  /** The token the socket was opened with: private, so that no log line of the socket shows it. */
  readonly #token: string | undefined;
  readonly opened: Promise<void>;
  private readonly ws: WebSocketLike;
  private readonly init: WatchSocketInit;
  private state: 'connecting' | 'open' | 'closed' = 'connecting';
  private readonly channels = new Map<string, SocketChannel>();
  /** Channels whose create has not been answered yet, in the order the creates were sent. */
  private readonly pendingCreates: SocketChannel[] = [];
  private nextWatchId = 1;
  /**
   * Progress requests sent and not answered yet, oldest first: the channel that asked (it gets the answer) or
   * null for a keepalive probe. The server answers each with one stream-wide response (watch ID -1), in order.
   */
  private readonly progressAsked: (SocketChannel | null)[] = [];
  private lastFrameAt = Date.now();
  private pingSentAt: number | undefined;
  private readonly timers: ReturnType<typeof setTimeout>[] = [];
  private lingerTimer: ReturnType<typeof setTimeout> | undefined;
  private settleOpened: { resolve: () => void; reject: (error: unknown) => void } | undefined;

  constructor(init: WatchSocketInit) {
    this.init = init;
    this.endpoint = init.endpoint;
    this.#token = init.token;
    this.opened = new Promise<void>((resolve, reject) => (this.settleOpened = { resolve, reject }));
    this.opened.catch(() => undefined);
    const protocols = init.token === undefined ? undefined : ['Bearer', init.token];
    this.ws =
      init.options !== undefined
        ? new init.WebSocket(init.url, protocols, init.options)
        : protocols === undefined
          ? new init.WebSocket(init.url)
          : new init.WebSocket(init.url, protocols);
    this.ws.addEventListener('open', () => this.onOpen());
    this.ws.addEventListener('message', (event: { data?: unknown }) => this.onFrame(event.data));
    this.ws.addEventListener('close', (event: { code?: unknown }) => {
      if (event.code === MESSAGE_TOO_BIG) return this.shutdown(this.tooLarge(), true);
      const why = `the watch socket to ${this.endpoint} closed (code ${String(event.code)})`;
      this.shutdown(new EtcdConnectionError(why, [], WATCH_OPERATION.name), true);
    });
    // 'close' follows with the code, except past `ws`'s maxPayload, which waits for the peer's close: end it now.
    this.ws.addEventListener('error', (event: { error?: unknown }) => {
      if (isPayloadLimit(event.error)) this.shutdown(this.tooLarge(), true);
    });
    const { timeoutMs } = init.keepalive;
    this.timers.push(setTimeout(() => this.openTimedOut(), timeoutMs));
  }

  get token(): string | undefined {
    return this.#token;
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  watch(build: (watchId: number) => Record<string, unknown>, signal: AbortSignal): WatchChannel {
    if (this.state !== 'open') {
      throw new EtcdConnectionError(`the watch socket to ${this.endpoint} is ${this.state}`, [], WATCH_OPERATION.name);
    }
    const id = this.nextWatchId++;
    const channel = createSocketChannel(this, String(id), signal);
    this.channels.set(channel.id, channel);
    this.pendingCreates.push(channel);
    this.clearLinger();
    this.send(build(id));
    return channel;
  }

  /** Sends a progress request whose answer (watch ID -1) goes to `channel`, in order with its other responses. */
  requestProgress(channel: SocketChannel): void {
    if (this.state !== 'open') return; // the channel fails with the socket, and the watch asks again on the next one
    this.progressAsked.push(channel);
    this.send(this.init.encode({ progressRequest: {} }));
  }

  /** A channel is done: cancel its watch unless the server already did; an unused socket closes soon. */
  release(channel: SocketChannel): void {
    if (this.channels.get(channel.id) !== channel) return;
    this.channels.delete(channel.id);
    if (!channel.canceledByServer && this.state === 'open')
      this.send(this.init.encode({ cancelRequest: { watchId: Number(channel.id) } }));
    if (this.channels.size === 0 && this.state !== 'closed') this.startLinger();
  }

  shutdown(error: unknown, abnormal: boolean): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const timer of this.timers) clearTimeout(timer);
    this.clearLinger();
    this.settleOpened?.reject(error);
    const terminate = (this.ws as { terminate?: () => void }).terminate; // `ws`: no close handshake with a dead peer
    try {
      if (abnormal && typeof terminate === 'function') terminate.call(this.ws);
      else this.ws.close(1000);
    } catch {
      // already closing
    }
    const channels = [...this.channels.values(), ...this.pendingCreates];
    this.channels.clear();
    this.pendingCreates.length = 0;
    this.progressAsked.length = 0;
    for (const channel of channels) channel.fail(error);
    this.init.onClosed(this, abnormal, error);
  }

  private onOpen(): void {
    if (this.state !== 'connecting') return;
    this.state = 'open';
    this.lastFrameAt = Date.now();
    this.settleOpened?.resolve();
    const { intervalMs, timeoutMs } = this.init.keepalive;
    const period = Math.max(10, Math.min(intervalMs, timeoutMs) / 4);
    this.timers.push(setInterval(() => this.checkAlive(), period));
    this.startLinger(); // closes again unless a watch comes
  }

  private openTimedOut(): void {
    if (this.state !== 'connecting') return;
    const why = `the watch socket to ${this.endpoint} did not open within ${this.init.keepalive.timeoutMs} ms`;
    this.shutdown(new EtcdConnectionError(why, [], WATCH_OPERATION.name), true);
  }

  /** Sends a progress request after a silence; a socket that leaves it unanswered is dead. */
  private checkAlive(): void {
    if (this.state !== 'open') return;
    const now = Date.now();
    const { intervalMs, timeoutMs } = this.init.keepalive;
    if (this.pingSentAt !== undefined) {
      if (now - this.pingSentAt < timeoutMs) return;
      const why = `no answer from ${this.endpoint} to a watch progress request within ${timeoutMs} ms`;
      this.shutdown(new EtcdConnectionError(why, [], WATCH_OPERATION.name), true);
    } else if (this.channels.size > 0 && now - this.lastFrameAt >= intervalMs) {
      this.pingSentAt = now;
      this.progressAsked.push(null);
      this.send(this.init.encode({ progressRequest: {} }));
    }
  }

  private onFrame(data: unknown): void {
    if (this.state === 'closed') return;
    this.lastFrameAt = Date.now();
    this.pingSentAt = undefined;
    if (frameLength(data) > this.init.maxMessageBytes) return this.shutdown(this.tooLarge(), true);
    let result: Record<string, unknown>;
    try {
      result = streamResult(parseFrame(data), WATCH_OPERATION, this.endpoint);
    } catch (error) {
      this.shutdown(error, true); // a stream error chunk ends the whole stream on the server too
      return;
    }
    this.route(result);
  }

  /** Created answers go to the oldest pending create with that ID (or, for -1, the oldest pending at all). */
  private route(result: Record<string, unknown>): void {
    const id = wireWatchId(result);
    if (result['created'] === true) {
      const index = id === '-1' ? 0 : this.pendingCreates.findIndex((c) => c.id === id);
      const [channel] = index < 0 ? [] : this.pendingCreates.splice(index, 1);
      channel?.deliver(result);
      return;
    }
    if (id !== '-1') this.channels.get(id)?.deliver(result);
    else if (result['header'] !== undefined) this.progressAnswered(result);
  }

  /** A stream-wide progress answer: to the channel whose request it answers, if that one still runs. */
  private progressAnswered(result: Record<string, unknown>): void {
    const asker = this.progressAsked.shift();
    if (asker !== null && asker !== undefined && this.channels.get(asker.id) === asker) asker.deliver(result);
  }

  private send(request: Record<string, unknown>): void {
    try {
      this.ws.send(JSON.stringify(request));
    } catch (error) {
      const why = `cannot send on the watch socket to ${this.endpoint}`;
      this.shutdown(new EtcdConnectionError(why, [{ endpoint: this.endpoint, error }], WATCH_OPERATION.name), true);
    }
  }

  private tooLarge(): EtcdLimitError {
    const init = { operation: WATCH_OPERATION.name, endpoint: this.endpoint };
    return new EtcdLimitError('maxMessageBytes', this.init.maxMessageBytes, init);
  }

  private startLinger(): void {
    this.clearLinger();
    this.lingerTimer = setTimeout(() => {
      if (this.channels.size === 0) this.shutdown(closedByClient(), false);
    }, LINGER_MS);
  }

  private clearLinger(): void {
    if (this.lingerTimer !== undefined) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
  }
}
