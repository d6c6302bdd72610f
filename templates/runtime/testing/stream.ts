// A streamed answer of the fake: `{"result":…}` messages, one a line, as the gateway frames a server stream. It ends
// when the fake ends it or the caller aborts (the caller's iteration then throws the abort, as a dropped
// connection would), and it holds its messages while the fake is paused.
import type { HttpRequest } from '../types.js';
import type { Json } from './wire.js';

export interface FakeStream {
  push(result: Json): void;
  /** A last `{"error":…}` message (what the gateway sends when the stream fails after its headers), then the end. */
  fail(error: Json): void;
  /**
   * Ends the stream: `'end'` (default) as a server closing it, `'fail'` after the chunk a stopping grpc-gateway v1
   * sends (`transport is closing`), `'break'` as a killed server's connection (the reader's next read throws).
   */
  end(how?: 'end' | 'fail' | 'break'): void;
  readonly closed: boolean;
  /** Called once when the stream ends either way (release watchers, waiters). */
  onClose(cleanup: () => void): void;
  chunks(): AsyncIterable<Uint8Array>;
}

/** What the fake ends when it stops or closes: a stream, or a socket. */
export interface StreamEnd {
  end(how?: 'end' | 'fail' | 'break'): void;
}

/** What a stream asks of the fake: whether it holds answers now, and the wait until it does not. */
export interface StreamGate {
  readonly paused: boolean;
  gate(signal?: AbortSignal): Promise<void>;
}

/**
 * The stream answering `request`: it ends when the request is abandoned (heard through `request.ending` when the
 * transport gives one, so that no AbortSignal is made for it).
 */
export function createStream(request: HttpRequest, control: StreamGate): FakeStream {
  const queue: Uint8Array[] = [];
  const cleanups: (() => void)[] = [];
  let ended = false;
  let broken = false;
  let wake: (() => void) | undefined;
  const encoder = new TextEncoder();
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  const close = (): void => {
    if (ended) return;
    ended = true;
    for (const cleanup of cleanups.splice(0)) cleanup();
    notify();
  };
  const { ending } = request;
  if (ending !== undefined) ending.onAbort(close);
  else request.signal.addEventListener('abort', close, { once: true });
  const abandoned = (): boolean => (ending ?? request.signal).aborted;
  const stream: FakeStream = {
    push(result) {
      if (ended) return;
      queue.push(encoder.encode(`${JSON.stringify({ result })}\n`));
      notify();
    },
    fail(error) {
      if (ended) return;
      queue.push(encoder.encode(`${JSON.stringify({ error })}\n`));
      close();
    },
    end(how = 'end') {
      if (how === 'fail')
        stream.fail({
          grpc_code: 14,
          http_code: 503,
          message: 'transport is closing',
          http_status: 'Service Unavailable',
        });
      if (how === 'break') broken = !ended;
      close();
    },
    get closed() {
      return ended;
    },
    onClose(cleanup) {
      if (ended) cleanup();
      else cleanups.push(cleanup);
    },
    chunks() {
      return {
        async *[Symbol.asyncIterator]() {
          for (;;) {
            if (abandoned()) {
              const { reason } = request.signal;
              throw reason ?? new DOMException('The operation was aborted', 'AbortError');
            }
            if (broken)
              throw Object.assign(new TypeError('terminated: other side closed'), { cause: { code: 'ECONNRESET' } });
            if (queue.length > 0) {
              if (control.paused) await control.gate(request.signal);
              yield queue.shift()!;
              continue;
            }
            if (ended) return;
            await new Promise<void>((resolve) => (wake = resolve));
          }
        },
      };
    },
  };
  return stream;
}
