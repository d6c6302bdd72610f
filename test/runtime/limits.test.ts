// Issue 19: what the client reads from a broken or hostile gateway is bounded. A unary answer past
// maxResponseBytes, a stream line or a websocket frame past maxMessageBytes: the client stops reading, closes that
// connection and fails with EtcdLimitError (a watch resumes, then moves on). No real etcd can send these answers,
// so a loopback server does (hostile-gateway.ts); RSS under a 300 MB flood is measured in limits-rss.test.ts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { EtcdLimitError } from '../../templates/runtime/errors.js';
import { createFetchEngine } from '../../templates/runtime/core/engines/fetch.js';
import { createTransport, type ClientOptions, type OperationDescriptor } from '../../templates/runtime/core/transport.js';
import { clusterLayers } from '../../templates/runtime/core/layers.js';
import { DEFAULT_MAX_BYTES } from '../../templates/runtime/wire/limits.js';
import { loadClient } from '../helpers/client.js';
import { startFakeGateway, sendJson, type FakeGateway, type Route } from './fake-gateway.js';
import { flood, MiB } from './hostile-gateway.js';

const RANGE: OperationDescriptor = { name: 'kv.range', route: '/kv/range', safety: 'read' };
const WATCH: OperationDescriptor = { name: 'watch.watch', route: '/watch', safety: 'read' };

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function gateway(routes: Record<string, Route>): Promise<FakeGateway> {
  const g = await startFakeGateway(routes);
  cleanups.push(() => g.close());
  return g;
}

/** The two engines: node:http (the default in Node) and fetch (browsers, the `fetch` option). */
const ENGINES = [
  { engine: 'node:http', options: {} },
  { engine: 'fetch', options: { engine: createFetchEngine() } },
] as const satisfies readonly { engine: string; options: Partial<ClientOptions> }[];

function transport(options: ClientOptions) {
  const t = createTransport({ liveness: false, ...options }, clusterLayers);
  cleanups.push(() => t.close());
  return t;
}

describe('limit options', () => {
  it('default to 64 MiB, take Infinity, and refuse anything else naming the option', () => {
    expect(DEFAULT_MAX_BYTES).toBe(64 * MiB);
    expect(() => transport({ endpoints: 'http://127.0.0.1:1', maxResponseBytes: Infinity, maxMessageBytes: Infinity })).not.toThrow();
    const table: { given: Partial<ClientOptions>; want: RegExp }[] = [
      { given: { maxResponseBytes: 0 }, want: /ClientOptions\.maxResponseBytes must be a positive whole number of bytes or Infinity, got 0/ },
      { given: { maxResponseBytes: -1 }, want: /maxResponseBytes .* got -1/ },
      { given: { maxResponseBytes: 1.5 }, want: /maxResponseBytes .* got 1\.5/ },
      { given: { maxMessageBytes: Number.NaN }, want: /ClientOptions\.maxMessageBytes .* got NaN/ },
      { given: { maxMessageBytes: '1024' as unknown as number }, want: /maxMessageBytes .* got 1024/ },
    ];
    for (const { given, want } of table) {
      expect(() => transport({ endpoints: 'http://127.0.0.1:1', ...given }), JSON.stringify(given)).toThrow(want);
    }
  });
});

describe.each(ENGINES)('a unary answer past maxResponseBytes ($engine engine)', ({ options }) => {
  const LIMIT = 2 * MiB;

  it('fails with EtcdLimitError naming the limit, endpoint and operation, having read little more than the limit', async () => {
    let written: Promise<number> | undefined;
    const g = await gateway({ '/kv/range': (_req, res) => void (written = flood(res, { head: '{"kvs":[{"value":"', bytes: 300 * MiB })) });
    const t = transport({ endpoints: g.url, maxResponseBytes: LIMIT, ...options });
    const error = await t.unary(RANGE, { key: 'a' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EtcdLimitError);
    expect(error).toMatchObject({ limit: 'maxResponseBytes', limitBytes: LIMIT, endpoint: g.url, operation: 'kv.range', codeName: 'RESOURCE_EXHAUSTED' });
    expect((error as Error).message).toMatch(/kv\.range at http:\/\/127\.0\.0\.1:\d+: the answer is larger than ClientOptions\.maxResponseBytes \(2097152 bytes\)/);
    // The server saw the connection close: it wrote the limit plus what the socket buffers held, not 300 MB.
    const sent = await written!;
    expect(sent).toBeLessThan(LIMIT + 16 * MiB);
    // The next call works on a new connection (the broken one was not pooled).
    const calls = g.calls().length;
    await expect(t.unary(RANGE, { key: 'a' })).rejects.toBeInstanceOf(EtcdLimitError);
    expect(g.calls().length).toBe(calls + 1);
  });

  it('refuses an answer whose Content-Length announces more than the limit before reading it', async () => {
    let written: Promise<number> | undefined;
    const g = await gateway({
      '/kv/range': (_req, res) => void (written = flood(res, { head: '{"kvs":[{"value":"', bytes: 300 * MiB, contentLength: true })),
    });
    const t = transport({ endpoints: g.url, maxResponseBytes: LIMIT, ...options });
    await expect(t.unary(RANGE, { key: 'a' })).rejects.toMatchObject({ name: 'EtcdLimitError', limit: 'maxResponseBytes' });
    expect(await written!).toBeLessThan(LIMIT + 16 * MiB);
  });

  it('bounds error bodies too', async () => {
    let written: Promise<number> | undefined;
    const g = await gateway({ '/kv/range': (_req, res) => void (written = flood(res, { status: 500, head: '{"error":"', bytes: 300 * MiB })) });
    const t = transport({ endpoints: g.url, maxResponseBytes: LIMIT, ...options });
    await expect(t.unary(RANGE, { key: 'a' })).rejects.toMatchObject({ name: 'EtcdLimitError', limit: 'maxResponseBytes' });
    expect(await written!).toBeLessThan(LIMIT + 16 * MiB);
  });

  it('reads an answer up to the limit, and any answer with Infinity', async () => {
    const value = 'x'.repeat(LIMIT - 100);
    const g = await gateway({ '/kv/range': (_req, res) => sendJson(res, 200, { kvs: [{ value }] }) });
    const near = await transport({ endpoints: g.url, maxResponseBytes: LIMIT, ...options }).unary(RANGE, { key: 'a' });
    expect((near['kvs'] as { value: string }[])[0]?.value.length).toBe(value.length);
    const unbounded = transport({ endpoints: g.url, maxResponseBytes: Infinity, ...options });
    await expect(unbounded.unary(RANGE, { key: 'a' })).resolves.toHaveProperty('kvs');
    await expect(transport({ endpoints: g.url, maxResponseBytes: 1024, ...options }).unary(RANGE, { key: 'a' })).rejects.toBeInstanceOf(
      EtcdLimitError,
    );
  });
});

describe.each(ENGINES)('a stream line past maxMessageBytes ($engine engine)', ({ options }) => {
  it('breaks the stream with EtcdLimitError instead of buffering the endless line', async () => {
    let written: Promise<number> | undefined;
    const created = '{"result":{"header":{"revision":"5"},"created":true}}\n';
    const g = await gateway({ '/watch': (_req, res) => void (written = flood(res, { head: `${created}{"result":{"events":[`, bytes: 300 * MiB })) });
    const t = transport({ endpoints: g.url, maxMessageBytes: MiB, ...options });
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const message of t.stream(WATCH, { create_request: { key: 'YQ==' } })) seen.push(message);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([{ header: { revision: '5' }, created: true }]);
    expect(error).toBeInstanceOf(EtcdLimitError);
    expect(error).toMatchObject({ limit: 'maxMessageBytes', limitBytes: MiB, endpoint: g.url, operation: 'watch.watch' });
    expect(await written!).toBeLessThan(MiB + 16 * MiB);
  });
});

/** A POST watch route: created at revision 10, one event at 11 on the first stream, then a line without end. */
function hostileWatch(streams: string[]): Route {
  return (req, res) => {
    streams.push(req.body);
    const first = streams.length === 1;
    const head =
      '{"result":{"header":{"revision":"10"},"created":true}}\n' +
      (first ? '{"result":{"header":{"revision":"11"},"events":[{"kv":{"key":"YQ==","mod_revision":"11","value":"MQ=="}}]}}\n' : '') +
      '{"result":{"events":[';
    void flood(res, { head, bytes: 300 * MiB });
  };
}

/** A POST watch route that answers like a healthy member: created, then one event at `revision`. */
function goodWatch(streams: string[], revision: number): Route {
  return (req, res) => {
    streams.push(req.body);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write(`{"result":{"header":{"revision":"${revision - 1}"},"created":true}}\n`);
    res.write(`{"result":{"header":{"revision":"${revision}"},"events":[{"kv":{"key":"YQ==","mod_revision":"${revision}","value":"Mg=="}}]}}\n`);
  };
}

describe('a watch whose stream passes maxMessageBytes (POST)', () => {
  it('resumes from its last revision on the same endpoint, then moves to the next one', async () => {
    const { createClient } = await loadClient();
    const hostile: string[] = [];
    const good: string[] = [];
    const a = await gateway({ '/watch': hostileWatch(hostile) });
    const b = await gateway({ '/watch': goodWatch(good, 12) });
    const client = createClient({ endpoints: [a.url, b.url], WebSocket: null, maxMessageBytes: MiB, liveness: false, retry: { initialBackoffMs: 5, maxBackoffMs: 10 } });
    cleanups.push(() => client.close());
    const revisions: bigint[] = [];
    for await (const event of client.watchEvents({ key: 'a' })) {
      revisions.push(event.kv?.modRevision ?? -1n);
      if (revisions.length === 2) break;
    }
    expect(revisions).toEqual([11n, 12n]);
    expect(hostile).toHaveLength(2); // the first drop resumed on the same endpoint
    expect(JSON.parse(hostile[1]!).create_request.start_revision).toBe('12');
    expect(good).toHaveLength(1); // the second moved on
    expect(JSON.parse(good[0]!).create_request.start_revision).toBe('12');
  });

  it('ends with the EtcdLimitError once every endpoint broke it twice', async () => {
    const { createClient, EtcdLimitError } = await loadClient();
    const hostile: string[] = [];
    const a = await gateway({ '/watch': hostileWatch(hostile) });
    const client = createClient({ endpoints: a.url, WebSocket: null, maxMessageBytes: MiB, liveness: false, retry: { initialBackoffMs: 5, maxBackoffMs: 10 } });
    cleanups.push(() => client.close());
    const events: unknown[] = [];
    const error = await (async () => {
      for await (const event of client.watchEvents({ key: 'a' })) events.push(event);
    })().catch((e: unknown) => e);
    expect(events).toHaveLength(1);
    expect(error).toBeInstanceOf(EtcdLimitError);
    expect(error).toMatchObject({ limit: 'maxMessageBytes', endpoint: a.url, operation: 'watch.watch' });
    // The first stream broke after revision 11, the second (resumed from 12) broke again: the only endpoint struck out.
    expect(hostile).toHaveLength(2);
    expect(JSON.parse(hostile[1]!).create_request.start_revision).toBe('12');
  });
});

interface SocketGateway {
  readonly url: string;
  /** The text frames each socket received (its create requests). */
  readonly sockets: string[][];
}

/** /version (a 3.4 server: the client takes websockets there) and a websocket /v3/watch whose answer to every create is `created` and then a frame of `frameBytes`. */
async function hostileSocketGateway(frameBytes: number): Promise<SocketGateway> {
  const sockets: string[][] = [];
  const server: Server = createServer((req, res) => {
    if (req.url === '/version') return sendJson(res, 200, { etcdserver: '3.4.45', etcdcluster: '3.4.0' });
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server, path: '/v3/watch' });
  wss.on('connection', (ws) => {
    const frames: string[] = [];
    sockets.push(frames);
    ws.on('message', (data) => {
      frames.push(String(data));
      ws.send(JSON.stringify({ result: { header: { revision: '10' }, watch_id: JSON.parse(String(data)).create_request?.watch_id, created: true } }));
      ws.send(`{"result":{"events":[{"kv":{"key":"${'a'.repeat(frameBytes)}"}}]}}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sockets };
}

/** `ws` without its third argument: a class that takes no maxPayload, so the socket checks frame sizes itself. */
class NoOptionsWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
  }
}

describe.each([
  { how: 'ws with maxPayload', WebSocketClass: WebSocket },
  { how: 'a class without options', WebSocketClass: NoOptionsWebSocket },
])('a watch whose websocket frame passes maxMessageBytes ($how)', ({ WebSocketClass }) => {
  it('resumes once on a new socket, then ends with EtcdLimitError on its only endpoint', async () => {
    const { createClient, EtcdLimitError } = await loadClient();
    const g = await hostileSocketGateway(2 * MiB);
    const client = createClient({
      endpoints: g.url,
      WebSocket: WebSocketClass,
      maxMessageBytes: MiB,
      liveness: false,
      retry: { initialBackoffMs: 5, maxBackoffMs: 10 },
    });
    cleanups.push(() => client.close());
    const error = await (async () => {
      for await (const event of client.watchEvents({ key: 'a' })) void event;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EtcdLimitError);
    expect(error).toMatchObject({ limit: 'maxMessageBytes', limitBytes: MiB, endpoint: g.url, operation: 'watch.watch' });
    expect(g.sockets).toHaveLength(2);
    expect(JSON.parse(g.sockets[1]![0]!).create_request.start_revision).toBe('11');
  });
});
