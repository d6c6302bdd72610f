// One server-side watch as the resume loop sees it: a sequence of decoded responses that ends in an error, and a
// close() that cancels it on the server. Two kinds: one HTTP POST per watch, and a watch's share of a websocket
// (the socket itself is websocket.ts).
import { GrpcCode } from '../codes.js';
import { EtcdConnectionError, EtcdError } from '../errors.js';
import { childScope, type Scope } from '../core/signals.js';
import type { OperationDescriptor, Transport } from '../types.js';
import type { WatchChannel } from './types.js';

export const WATCH_OPERATION: OperationDescriptor = { name: 'watch.watch', route: '/watch', safety: 'read' };

/** The reason a channel's pending next() rejects with after close(). */
export function closedByClient(): EtcdError {
  return new EtcdError('the watch was closed by the client', {
    code: GrpcCode.Canceled,
    operation: WATCH_OPERATION.name,
  });
}

/**
 * A watch on its own HTTP POST (`request` is the wire create request), within `parent`. The transport picks the
 * endpoint, fails over and authenticates (`endpoint` is only where the token comes from); closing aborts the
 * request, which ends the watch on the server.
 */
export async function openPostChannel(
  transport: Transport,
  request: Record<string, unknown> | readonly Record<string, unknown>[],
  endpoint: string,
  parent: Scope,
  answersProgressAfterResume = true,
): Promise<WatchChannel> {
  // The token the stream will send (the transport reuses its current one), kept for re-authentication.
  const token = transport.options.auth === undefined ? undefined : await transport.token(endpoint, parent.signal);
  const scope = childScope(parent);
  const stream = transport.stream(WATCH_OPERATION, request, {}, scope);
  let closed = false;
  return {
    endpoint: undefined,
    get token() {
      return token; // a getter: a log line of the channel does not show it
    },
    kind: 'post',
    answersProgressAfterResume,
    async next() {
      const { done, value } = await stream.next();
      if (done) throw new EtcdConnectionError('the watch stream ended', [], WATCH_OPERATION.name);
      return value;
    },
    requestProgress: () => false,
    close() {
      if (closed) return;
      closed = true;
      // Most often the run's own signal already ended the scope: an error (and its stack) only when it did not.
      if (!scope.aborted) scope.abort(closedByClient());
      void stream.return(undefined).catch(() => undefined);
    },
  };
}

/** What a socket channel needs of its socket. */
export interface SocketHost {
  readonly endpoint: string;
  readonly token: string | undefined;
  /** Sends a progress request whose answer goes to `channel`, in order with its other responses. */
  requestProgress(channel: SocketChannel): void;
  /** The channel is done: the socket cancels its watch unless the server already did. */
  release(channel: SocketChannel): void;
}

/** A watch's share of a socket, as its socket drives it: answers are delivered to it, and a broken socket fails it. */
export interface SocketChannel extends WatchChannel {
  readonly id: string;
  readonly canceledByServer: boolean;
  deliver(result: Record<string, unknown>): void;
  fail(error: unknown): void;
}

/** The channel of watch `id` on `host`; aborting `signal` closes it. */
export function createSocketChannel(host: SocketHost, id: string, signal: AbortSignal): SocketChannel {
  return new SharedChannel(host, id, signal);
}

/** One watch's share of a socket: a queue of its responses, then the error that ended it. */
class SharedChannel implements SocketChannel {
  readonly kind = 'websocket' as const;
  readonly endpoint: string;
  readonly token: string | undefined;
  canceledByServer = false;
  private readonly queue: Record<string, unknown>[] = [];
  private failure: { error: unknown } | undefined;
  private waiter: { resolve: (r: Record<string, unknown>) => void; reject: (e: unknown) => void } | undefined;
  private released = false;
  private readonly onAbort = (): void => this.close();

  constructor(
    private readonly socket: SocketHost,
    readonly id: string,
    private readonly signal: AbortSignal,
  ) {
    this.endpoint = socket.endpoint;
    this.token = socket.token;
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Asks the server for a progress answer on this channel (the socket routes it here). */
  requestProgress(): boolean {
    if (this.released || this.failure !== undefined) return false;
    this.socket.requestProgress(this);
    return true;
  }

  deliver(result: Record<string, unknown>): void {
    if (this.released) return;
    if (result['canceled'] === true) this.canceledByServer = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter !== undefined) waiter.resolve(result);
    else this.queue.push(result);
  }

  fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = { error };
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(error);
  }

  /** Responses that arrived before a failure are still handed out first. */
  next(): Promise<Record<string, unknown>> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.failure !== undefined) return Promise.reject(this.failure.error);
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  close(): void {
    if (this.released) return;
    this.released = true;
    this.signal.removeEventListener('abort', this.onAbort);
    this.queue.length = 0;
    this.socket.release(this);
    this.fail(closedByClient());
  }
}
