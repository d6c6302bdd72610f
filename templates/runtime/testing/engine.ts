// The fake's HttpEngine: a request is routed in memory (no socket) after the prefix the fake's version serves;
// an answer is JSON with the status and body shape that version's gateway gives, or a stream of messages.
import type { HttpEngine, HttpRequest, HttpResponse } from '../types.js';
import { errorBody, FakeFailure, httpStatusOf } from './failure.js';
import { checkRequestSize, operationKey, STREAMS, unaryRoute, type Call, type Server } from './routes.js';
import { createStream, type StreamEnd } from './stream.js';

export interface EngineControl {
  readonly server: Server;
  readonly gateway: 'v1' | 'v2';
  /** Whether a v2 error body carries `details: []` (3.6 on; 3.5's leaves it out). */
  readonly emptyDetails: boolean;
  readonly prefixes: readonly string[];
  /** Whether pause() holds answers now. */
  readonly paused: boolean;
  /** Resolves when the fake is not paused; rejects when `signal` aborts first. */
  gate(signal?: AbortSignal): Promise<void>;
  /** The failure queued for this operation by `failNext`, taken. */
  takeFailure(operation: string): FakeFailure | undefined;
  /** Throws, as a refused connection, once the fake is closed or stopped, or for a URL not the fake's. */
  checkOpen(url: string): void;
  /** Streams still open, ended by stop() and close(). */
  readonly streams: Set<StreamEnd>;
}

/** A whole answer: a class, not an object of closures, as one is made for every call. */
class Answer implements HttpResponse {
  constructor(
    readonly status: number,
    private readonly body: string,
    private readonly contentType: string,
  ) {}

  header(name: string): string | null {
    return name.toLowerCase() === 'content-type' ? this.contentType : null;
  }

  text(): Promise<string> {
    return Promise.resolve(this.body);
  }

  chunks(): AsyncIterable<Uint8Array> {
    const body = this.body;
    return {
      async *[Symbol.asyncIterator]() {
        yield new TextEncoder().encode(body); // made only for a reader of chunks: the client reads text()
      },
    };
  }
}

/** What a route gets (routes.ts Call): a class, as one is made for every call. */
class RoutedCall implements Call {
  readonly body: string;
  readonly token: string | undefined;

  constructor(
    readonly server: Server,
    private readonly request: HttpRequest,
  ) {
    this.body = request.body ?? '';
    this.token = request.headers['Authorization'] ?? request.headers['authorization'];
  }

  /** Read only by the handlers that wait (lock, campaign): a request's signal is made when first read. */
  get signal(): AbortSignal {
    return this.request.signal;
  }
}

function answer(status: number, body: string, contentType = 'application/json'): HttpResponse {
  return new Answer(status, body, contentType);
}

function failed(failure: FakeFailure, control: EngineControl): HttpResponse {
  return answer(httpStatusOf(failure.code, control.gateway), errorBody(failure, control.gateway, control.emptyDetails));
}

function notFound(control: EngineControl): HttpResponse {
  return control.gateway === 'v1'
    ? answer(404, 'Not Found\n', 'text/plain')
    : failed(new FakeFailure(5, 'Not Found'), control);
}

export function createFakeEngine(control: EngineControl): HttpEngine {
  return {
    async send(request: HttpRequest): Promise<HttpResponse> {
      control.checkOpen(request.url);
      if (control.paused) await held(control, request);
      const { gateway, server } = control;
      const path = pathOf(request.url);
      if (request.method === 'GET') {
        if (path === '/version')
          return answer(200, JSON.stringify({ etcdserver: server.version, etcdcluster: server.clusterVersion }));
        if (path === '/health') return answer(200, JSON.stringify({ health: 'true' }));
        if (path === '/metrics') {
          const { watchers, watchStreams } = server.gauges;
          return answer(
            200,
            `etcd_debugging_mvcc_watcher_total ${watchers}\netcd_debugging_mvcc_watch_stream_total ${watchStreams}\n`,
            'text/plain',
          );
        }
      }
      const prefix = prefixOf(path, control.prefixes);
      if (prefix === undefined) return notFound(control);
      const route = path.slice(prefix.length);
      const unary = unaryRoute(route);
      const streamed = STREAMS[route];
      if (!unary && !streamed) return notFound(control);
      if (request.method !== 'POST') {
        return gateway === 'v1'
          ? answer(405, 'Method Not Allowed\n', 'text/plain')
          : failed(new FakeFailure(12, 'Method Not Allowed'), control);
      }
      const call = new RoutedCall(server, request);
      try {
        const failure = control.takeFailure(operationKey(route));
        if (failure) throw failure;
        checkRequestSize(route, call.body);
        if (streamed) {
          const stream = createStream(request, control);
          control.streams.add(stream);
          stream.onClose(() => control.streams.delete(stream));
          streamed(call, stream);
          return {
            status: 200,
            header: (n) => (n.toLowerCase() === 'content-type' ? 'application/json' : null),
            text: () => collect(stream.chunks()),
            chunks: () => stream.chunks(),
          };
        }
        const routed = unary!(call);
        const result = routed instanceof Promise ? await routed : routed; // most routes answer at once
        if (control.paused) await held(control, request);
        control.checkOpen(request.url); // stopped before it answered
        return answer(200, JSON.stringify(result));
      } catch (e) {
        if (e instanceof FakeFailure) return failed(e, control);
        throw e;
      }
    },
  };
}

/**
 * Waits while the fake is paused, until resumed or the request's signal aborts (its timeout, as a client gives up
 * on a hung server); then refuses it if the fake was stopped meanwhile. Only called while paused: otherwise the
 * request's signal is not even made (the transport made sure it had not aborted).
 */
async function held(control: EngineControl, request: HttpRequest): Promise<void> {
  await control.gate(request.signal);
  control.checkOpen(request.url);
  if (request.signal.aborted) throw request.signal.reason;
}

/** The served prefix `path` starts with (`/v3` of `/v3/kv/put`, not of `/v3beta/…`). */
function prefixOf(path: string, prefixes: readonly string[]): string | undefined {
  for (const p of prefixes) if (path.startsWith(p) && path.charCodeAt(p.length) === 0x2f) return p;
  return undefined;
}

/** `http://host:port/v3/kv/put?x` → `/v3/kv/put`, without a URL object per call. */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  const end = url.indexOf('?', start);
  return end < 0 ? url.slice(start) : url.slice(start, end);
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
  return text;
}
