// The fake's WebSocket class: `ws://…/v3/watch` on the fake becomes an in-memory watch session, each frame sent one
// request object and each answer one `{"result":…}` frame, as etcd's websocket proxy does. Give it as
// `ClientOptions.WebSocket` (the fake's clientOptions use POST watches; `fake.WebSocket` shares one socket).
import type { WebSocketConstructor, WebSocketLike } from '../types.js';
import type { Server } from './routes.js';
import { context } from './routes.js';
import type { FakeStream, StreamEnd } from './stream.js';
import { createWatchSession } from './watch.js';
import { jsonObjects, type Json } from './wire.js';

type Listener = (event: { data?: unknown; code?: number; reason?: string }) => void;

export function createFakeWebSocketClass(
  server: Server,
  gate: () => Promise<void>,
  checkOpen: (url: string) => void,
  sockets: Set<StreamEnd>,
): WebSocketConstructor {
  return class FakeWebSocket implements WebSocketLike {
    readyState = 0;
    readonly protocol = '';
    private readonly listeners = new Map<string, Listener[]>();
    private readonly abort = new AbortController();
    private session: ((request: Json) => void) | undefined;
    private delivery = Promise.resolve();

    constructor(url: string, protocols?: string | string[]) {
      const token = Array.isArray(protocols) && protocols[0] === 'Bearer' ? protocols[1] : undefined;
      const closes: (() => void)[] = [];
      const stream: FakeStream = {
        push: (result) => this.deliver({ data: JSON.stringify({ result }) }, 'message'),
        fail: () => this.close(),
        end: () => this.close(),
        get closed() {
          return false;
        },
        onClose: (cleanup) => void closes.push(cleanup),
        chunks: () => ({ [Symbol.asyncIterator]: async function* () {} }),
      };
      this.abort.signal.addEventListener('abort', () => closes.splice(0).forEach((c) => c()));
      // A killed server's socket closes abnormally (1006); a stopping one says it is going away (1001).
      const handle: StreamEnd = { end: (how) => this.close(how === 'break' ? 1006 : 1001) };
      queueMicrotask(() => {
        try {
          checkOpen(url.replace(/^ws/, 'http'));
          if (!/\/watch$/.test(new URL(url).pathname)) throw new Error('not a watch socket');
        } catch {
          this.readyState = 3;
          this.emit('error', {});
          this.emit('close', { code: 1006, reason: '' });
          return;
        }
        sockets.add(handle);
        this.abort.signal.addEventListener('abort', () => sockets.delete(handle));
        this.session = createWatchSession(
          context({ server, body: '', token, signal: this.abort.signal }, undefined),
          stream,
        );
        this.readyState = 1;
        this.emit('open', {});
      });
    }

    send(data: string): void {
      if (this.readyState !== 1) throw new Error('the fake WebSocket is not open');
      for (const request of jsonObjects(data)) this.session?.(request);
    }

    close(code = 1000, reason = ''): void {
      if (this.readyState >= 2) return;
      this.readyState = 2;
      this.abort.abort();
      this.deliver({ code, reason }, 'close');
    }

    addEventListener(type: string, listener: Listener): void {
      this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
    }

    /** Events in order, each after the fake's pause gate. */
    private deliver(event: { data?: unknown; code?: number; reason?: string }, type: 'message' | 'close'): void {
      this.delivery = this.delivery.then(async () => {
        await gate();
        if (type === 'close') this.readyState = 3;
        else if (this.readyState !== 1) return;
        this.emit(type, event);
      });
    }

    private emit(type: string, event: object): void {
      for (const listener of this.listeners.get(type) ?? []) listener(event);
    }
  };
}
