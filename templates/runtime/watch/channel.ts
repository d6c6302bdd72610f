// One server-side watch as the resume loop sees it: a sequence of decoded responses that ends in an error, and a
// close() that cancels it on the server. Two kinds: one HTTP POST per watch (here) and a share of a websocket
// (watch-socket.ts).
import { GrpcCode } from '../codes.js';
import { EtcdConnectionError, EtcdError } from '../errors.js';
import { createScope } from '../core/signals.js';
import type { OperationDescriptor, Transport } from '../types.js';

export const WATCH_OPERATION: OperationDescriptor = { name: 'watch.watch', route: '/watch', safety: 'read' };

export interface WatchChannel {
  /** Where the watch runs, when the channel knows it. */
  readonly endpoint: string | undefined;
  /** The token the watch was created with (for re-authentication). */
  readonly token: string | undefined;
  /** How the watch travels, for diagnostics. */
  readonly kind: 'post' | 'websocket';
  /** The next response (`result` object, still wire JSON) of this watch; rejects once the stream is gone. */
  next(): Promise<Record<string, unknown>>;
  /**
   * Sends a progress request whose answer (a response with watch ID -1 and a header) comes through next() in order
   * with the watch's other responses. False when this channel cannot send one (a POST, whose body is sent).
   */
  requestProgress(): boolean;
  /** Cancels the watch on the server; idempotent. Aborting the channel's signal does the same. */
  close(): void;
}

/** The reason a channel's pending next() rejects with after close(). */
export function closedByClient(): EtcdError {
  return new EtcdError('the watch was closed by the client', { code: GrpcCode.Canceled, operation: WATCH_OPERATION.name });
}

/**
 * A watch on its own HTTP POST (`request` is the wire create request). The transport picks the endpoint, fails
 * over and authenticates (`endpoint` is only where the token comes from); closing aborts the request, which ends
 * the watch on the server.
 */
export async function openPostChannel(
  transport: Transport,
  request: Record<string, unknown> | readonly Record<string, unknown>[],
  endpoint: string,
  signal: AbortSignal,
): Promise<WatchChannel> {
  // The token the stream will send (the transport reuses its current one), kept for re-authentication.
  const token = transport.options.auth === undefined ? undefined : await transport.token(endpoint, signal);
  const scope = createScope([signal]);
  const stream = transport.stream(WATCH_OPERATION, request, { signal: scope.signal });
  let closed = false;
  return {
    endpoint: undefined,
    get token() {
      return token; // a getter: a log line of the channel does not show it
    },
    kind: 'post',
    async next() {
      const { done, value } = await stream.next();
      if (done) throw new EtcdConnectionError('the watch stream ended', [], WATCH_OPERATION.name);
      return value;
    },
    requestProgress: () => false,
    close() {
      if (closed) return;
      closed = true;
      scope.abort(closedByClient());
      void stream.return(undefined).catch(() => undefined);
    },
  };
}
