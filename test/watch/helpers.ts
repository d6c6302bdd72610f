// Shared by the watch suites: the two ways a watch travels (one HTTP POST each, or a shared websocket through the
// `ws` package, Node 20 having no global WebSocket), instruments that prove which one was used and how often it
// reconnected, and etcd's own metrics to see what the server holds.
import WebSocket from 'ws';
import type { ClientOptions } from '../../generated/index.js';
import { currentFakeWebSocket } from '../helpers/fake.js';

export { eventually, sleep, within } from '../helpers/wait.js';

export const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);

/** A `ws` WebSocket class that counts the sockets it opens and the frames they receive. */
export interface CountingWebSocket {
  readonly WebSocket: NonNullable<ClientOptions['WebSocket']>;
  readonly sockets: number;
  /** Text of every frame received, in order. */
  readonly frames: string[];
}

export function countingWebSocket(): CountingWebSocket {
  const counter = { sockets: 0, frames: [] as string[] };
  // On the fake row (test/helpers/fake.ts) the sockets reach the fake instead of a server.
  const Base = (currentFakeWebSocket() ?? WebSocket) as typeof WebSocket;
  class Counting extends Base {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      counter.sockets += 1;
      this.addEventListener('message', (event) => void counter.frames.push(String(event.data)));
    }
  }
  return {
    WebSocket: Counting,
    get sockets() {
      return counter.sockets;
    },
    frames: counter.frames,
  };
}

/** A fetch that counts requests by path suffix and keeps the text of every watch stream it passed on. */
export interface CountingFetch {
  readonly fetch: typeof fetch;
  count(pathSuffix: string): number;
  /** Text received so far on each watch POST. */
  readonly watchBodies: string[];
}

export function countingFetch(): CountingFetch {
  const paths: string[] = [];
  const watchBodies: string[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    paths.push(new URL(url).pathname);
    const response = await fetch(input, init);
    if (!url.endsWith('/watch') || response.body === null) return response;
    const index = watchBodies.push('') - 1;
    const decoder = new TextDecoder();
    const tee = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        watchBodies[index] += decoder.decode(chunk, { stream: true });
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(tee), response);
  };
  return { fetch: wrapped, count: (suffix) => paths.filter((p) => p.endsWith(suffix)).length, watchBodies };
}

export interface WatchTransport {
  readonly name: 'POST' | 'websocket';
  /** Client options that pick the transport, with instruments attached. */
  options(): { options: Partial<ClientOptions>; ws: CountingWebSocket; fetch: CountingFetch };
  /** How many times watches were (re)opened: sockets or watch POSTs. */
  opened(instruments: { ws: CountingWebSocket; fetch: CountingFetch }): number;
}

export const WATCH_TRANSPORTS: readonly WatchTransport[] = [
  {
    name: 'POST',
    options() {
      const ws = countingWebSocket();
      const f = countingFetch();
      return { options: { WebSocket: null, fetch: f.fetch }, ws, fetch: f };
    },
    opened: ({ fetch: f }) => f.count('/watch'),
  },
  {
    name: 'websocket',
    options() {
      const ws = countingWebSocket();
      const f = countingFetch();
      return { options: { WebSocket: ws.WebSocket, fetch: f.fetch }, ws, fetch: f };
    },
    // Sockets, and watch POSTs where the server's websocket proxy would leave streams behind (3.5 on).
    opened: ({ ws, fetch: f }) => ws.sockets + f.count('/watch'),
  },
];

/** A gauge or counter from etcd's /metrics (sums every label set). */
export async function metric(endpoint: string, name: string): Promise<number> {
  const body = await (await fetch(`${endpoint}/metrics`)).text();
  let sum = 0;
  for (const line of body.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

