// The Node engine: HTTP/1.1 over node:http / node:https with one keep-alive agent per endpoint origin. A
// request costs a quarter of the client CPU Node's fetch spends on it. The built-ins are taken at run time
// (process.getBuiltinModule), never imported, so a browser bundle of the same files pulls in no `node:` module.
import { systemErrorCode } from '../../errors.js';
import { announcesMore, BoundedBody, ReadLimitExceeded } from '../../wire/limits.js';
import type { HttpEngine, HttpRequest, HttpResponse, TlsOptions } from '../../types.js';
import { nodeTlsOptions, plainHttpRefusal, tlsRefusal } from './tls.js';

/** The few pieces of node:http(s) the engine uses, typed here so the client needs no @types/node. */
interface NodeHttpModule {
  Agent: new (options: Record<string, unknown>) => NodeAgent;
  request(options: Record<string, unknown>): NodeClientRequest;
}
interface NodeTlsModule {
  connect(options: Record<string, unknown>): NodeTlsSocket;
}
interface NodeTlsSocket {
  once(event: 'secureConnect' | 'close', listener: () => void): unknown;
  once(event: 'error', listener: (error: unknown) => void): unknown;
  setTimeout(ms: number, listener: () => void): unknown;
  destroy(): void;
}
interface NodeAgent {
  destroy(): void;
}
interface NodeClientRequest {
  on(event: 'response', listener: (response: NodeIncomingMessage) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  end(body?: string): void;
  destroy(error?: unknown): void;
}
interface NodeIncomingMessage extends AsyncIterable<Uint8Array> {
  readonly statusCode?: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly complete: boolean;
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  destroy(error?: unknown): void;
}

type BuiltinLoader = (id: string) => unknown;

/** node:http and node:https, or undefined where the runtime cannot hand them out synchronously (browsers). */
export function nodeHttpModules(): NodeModules | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: BuiltinLoader } }).process;
  const load = proc?.getBuiltinModule;
  if (typeof load !== 'function') return undefined;
  // Unprefixed ids (Node, Bun and Deno take them): no "node:…" string lands in a browser bundle of this file.
  const http = load.call(proc, 'http') as NodeHttpModule | undefined;
  const https = load.call(proc, 'https') as NodeHttpModule | undefined;
  const tls = load.call(proc, 'tls') as NodeTlsModule | undefined;
  return http?.request && https?.request && tls?.connect ? { http, https, tls } : undefined;
}

interface NodeModules {
  readonly http: NodeHttpModule;
  readonly https: NodeHttpModule;
  readonly tls: NodeTlsModule;
}

/** True where the Node engine can run: Node ≥ 20.16, Bun, Deno 2 (they expose process.getBuiltinModule). */
export function nodeEngineAvailable(): boolean {
  return nodeHttpModules() !== undefined;
}

interface Origin {
  readonly modules: NodeModules;
  readonly module: NodeHttpModule;
  readonly agent: NodeAgent;
  readonly endpoint: string;
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
  readonly port: string;
}

/** Creates the Node engine; `tls` applies to every https:// endpoint. Throws a TypeError where node:http is missing. */
export function createNodeEngine(tls?: TlsOptions): HttpEngine {
  const modules = nodeHttpModules();
  if (modules === undefined)
    throw new TypeError('the Node engine needs process.getBuiltinModule (Node ≥ 20.16, Bun, Deno 2)');
  const tlsOptions = tls === undefined ? {} : nodeTlsOptions(tls);
  const origins = new Map<string, Origin>();

  const originOf = (url: string): { origin: Origin; path: string } => {
    const slash = url.indexOf('/', url.indexOf('//') + 2);
    const key = slash < 0 ? url : url.slice(0, slash);
    let origin = origins.get(key);
    if (origin === undefined) {
      const parsed = new URL(key);
      const secure = parsed.protocol === 'https:';
      const module = secure ? modules.https : modules.http;
      const agentOptions = { keepAlive: true, scheduling: 'lifo', ...(secure ? tlsOptions : {}) };
      origin = {
        modules,
        module,
        agent: new module.Agent(agentOptions),
        endpoint: key,
        protocol: secure ? 'https:' : 'http:',
        hostname: parsed.hostname.replace(/^\[|\]$/g, ''),
        port: parsed.port,
      };
      origins.set(key, origin);
    }
    return { origin, path: slash < 0 ? '/' : url.slice(slash) };
  };

  return {
    send: (request) => {
      const { origin, path } = originOf(request.url);
      return send(origin, path, request);
    },
    close: () => {
      for (const origin of origins.values()) origin.agent.destroy();
      origins.clear();
    },
  };
}

function send(origin: Origin, path: string, request: HttpRequest): Promise<HttpResponse> {
  const { signal, body } = request;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<HttpResponse>((resolve, reject) => {
    const headers: Record<string, string | number> = { ...request.headers };
    if (body !== undefined) headers['Content-Length'] = byteLength(body);
    const req = origin.module.request({
      agent: origin.agent,
      protocol: origin.protocol,
      hostname: origin.hostname,
      port: origin.port,
      method: request.method,
      path,
      headers,
    });
    let response: NodeIncomingMessage | undefined;
    const onAbort = (): void => {
      response?.destroy(signal.reason);
      req.destroy(signal.reason);
      reject(signal.reason);
    };
    const release = (): void => signal.removeEventListener('abort', onAbort);
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => {
      release();
      if (signal.aborted) reject(signal.reason);
      else if (origin.protocol === 'http:' && response === undefined)
        plainHttpFailure(origin, error).then(reject, reject);
      else reject(tlsRefusal(error, origin.endpoint) ?? error);
    });
    req.on('response', (res) => {
      response = res;
      res.on('close', release);
      resolve(wrapResponse(res, signal));
    });
    req.end(body);
  });
}

/**
 * etcd closes plain HTTP sent to its TLS port without a word, like any reset: when an http:// request is reset
 * before an answer, a TLS handshake with the port tells which it was.
 */
async function plainHttpFailure(origin: Origin, error: unknown): Promise<unknown> {
  if (systemErrorCode(error) !== 'ECONNRESET') return error;
  return (await speaksTls(origin)) ? plainHttpRefusal(origin.endpoint, error) : error;
}

/** Whether the origin's port answers a TLS ClientHello (any handshake progress or TLS alert says yes). */
function speaksTls(origin: Origin): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = origin.modules.tls.connect({
      host: origin.hostname,
      port: Number(origin.port || 80),
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    const done = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('secureConnect', () => done(true));
    socket.once('error', (e) => done(/^ERR_SSL_(SSLV3|TLSV1|TLSV13)_ALERT/.test(systemErrorCode(e) ?? '')));
    socket.once('close', () => done(false));
    socket.setTimeout(2_000, () => done(false));
  });
}

function wrapResponse(res: NodeIncomingMessage, signal: AbortSignal): HttpResponse {
  const status = res.statusCode ?? 0;
  return {
    status,
    header: (name) => {
      const value = res.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
    text: (maxBytes = Infinity) => readText(res, signal, maxBytes),
    chunks: () => res,
  };
}

/** The body as text; past `maxBytes` the response (and with it the connection) is destroyed at once. */
function readText(res: NodeIncomingMessage, signal: AbortSignal, maxBytes: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    if (announcesMore(headerOf(res, 'content-length'), maxBytes)) {
      res.destroy();
      reject(new ReadLimitExceeded(maxBytes));
      return;
    }
    const body = new BoundedBody(maxBytes);
    res.on('data', (chunk) => {
      if (body.push(chunk)) return;
      reject(new ReadLimitExceeded(maxBytes));
      res.destroy();
    });
    res.on('end', () => resolve(body.text()));
    res.on('error', (error) => reject(signal.aborted ? signal.reason : error));
    res.on('close', () => {
      if (!res.complete) reject(signal.aborted ? signal.reason : connectionClosed());
    });
  });
}

function headerOf(res: NodeIncomingMessage, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function connectionClosed(): Error {
  return Object.assign(new Error('the connection closed before the response ended'), { code: 'ECONNRESET' });
}

const encoder = new TextEncoder();
const ASCII = /^[\x00-\x7f]*$/;

function byteLength(text: string): number {
  return ASCII.test(text) ? text.length : encoder.encode(text).byteLength;
}
