// A streamed answer of the fake: `{"result":…}` messages, one a line, as the gateway frames a server stream. It ends
// when the fake ends it or the caller aborts (the caller's iteration then throws the abort, as a dropped
// connection would), and it holds its messages while the fake is paused.
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

export function createStream(signal: AbortSignal, gate: (signal: AbortSignal) => Promise<void>): FakeStream {
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
  signal.addEventListener('abort', close, { once: true });
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
            if (signal.aborted) throw signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
            if (broken)
              throw Object.assign(new TypeError('terminated: other side closed'), { cause: { code: 'ECONNRESET' } });
            if (queue.length > 0) {
              await gate(signal);
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
