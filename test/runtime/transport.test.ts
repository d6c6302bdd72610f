import { afterEach, describe, expect, it } from 'vitest';
import { EtcdConnectionError, EtcdError } from '../../templates/runtime/errors.js';
import { createFetchEngine } from '../../templates/runtime/core/engines/fetch.js';
import {
  createTransport,
  prefixForVersion,
  txnIsReadOnly,
  type ClientOptions,
  type OperationDescriptor,
  type Transport,
} from '../../templates/runtime/core/transport.js';
import { clusterLayers } from '../../templates/runtime/core/layers.js';
import {
  closedEndpoint,
  sendGrpcError,
  sendJson,
  startFakeGateway,
  type FakeGateway,
  type FakeGatewayOptions,
  type Route,
} from './fake-gateway.js';

const RANGE: OperationDescriptor = { name: 'kv.range', route: '/kv/range', safety: 'read' };
const PUT: OperationDescriptor = { name: 'kv.put', route: '/kv/put', safety: 'write' };
const WATCH: OperationDescriptor = { name: 'watch.watch', route: '/watch', safety: 'read' };
const HEADER = { header: { revision: '5' } };

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function gateway(routes: Record<string, Route>, options?: FakeGatewayOptions): Promise<FakeGateway> {
  const g = await startFakeGateway(routes, options);
  cleanups.push(() => g.close());
  return g;
}

function transport(options: ClientOptions, layers = clusterLayers): Transport {
  const t = createTransport(options, layers);
  cleanups.push(() => t.close());
  return t;
}

const ok: Route = (_, res) => sendJson(res, 200, HEADER);
const hang: Route = () => {};

describe('prefixForVersion', () => {
  it.each([
    ['3.6.14', '/v3'],
    ['3.5.0', '/v3'],
    ['3.4.22', '/v3'],
    ['3.3.27', '/v3beta'],
    ['3.3.12', '/v3beta'],
    ['3.2.32', '/v3alpha'],
    ['3.1.0', '/v3alpha'],
    ['4.0.0', '/v3'],
    ['3.7.0-alpha.0', '/v3'],
  ])('%s → %s', (version, prefix) => {
    expect(prefixForVersion(version)).toBe(prefix);
  });
  it('rejects what is not a version', () => {
    expect(() => prefixForVersion('latest')).toThrow(RangeError);
  });
});

describe('txnIsReadOnly', () => {
  const range = { request_range: { key: 'YQ==' } };
  const put = { request_put: { key: 'YQ==', value: 'Yg==' } };
  it.each([
    ['empty txn', {}, true],
    ['ranges only', { compare: [{ key: 'YQ==' }], success: [range], failure: [range] }, true],
    ['camelCase ranges', { success: [{ requestRange: { key: 'YQ==' } }] }, true],
    ['a put in success', { success: [range, put] }, false],
    ['a delete in failure', { failure: [{ request_delete_range: { key: 'YQ==' } }] }, false],
    ['nested read-only txn', { success: [{ request_txn: { success: [range] } }] }, true],
    ['nested txn with a put', { success: [{ request_txn: { failure: [put] } }] }, false],
    ['an empty op', { success: [{}] }, false],
    ['not an object', 'txn', false],
    ['success not a list', { success: range }, false],
  ])('%s → %s', (_, txn, readOnly) => {
    expect(txnIsReadOnly(txn)).toBe(readOnly);
  });
});

describe('unary requests', () => {
  it('POSTs wire JSON with the headers the gateway reads, and resolves to the response object', async () => {
    const g = await gateway({ '/kv/range': (_, res) => sendJson(res, 200, { header: { revision: '9' }, count: '1' }) });
    const t = transport({
      endpoints: `${g.url}/`,
      headers: { 'X-Team': 'infra' },
      requireLeader: true,
      timeoutMs: 5000,
    });
    const result = await t.unary(RANGE, { key: 'Zm9v' });
    expect(result).toEqual({ header: { revision: '9' }, count: '1' });
    const [request] = g.calls();
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v3/kv/range');
    expect(JSON.parse(request?.body ?? '')).toEqual({ key: 'Zm9v' });
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-team']).toBe('infra');
    expect(request?.headers['grpc-metadata-hasleader']).toBe('true');
    expect(request?.headers['authorization']).toBeUndefined();
    const timeout = request?.headers['grpc-timeout'];
    expect(timeout).toMatch(/^\d+m$/);
    expect(Number(timeout?.slice(0, -1))).toBeGreaterThan(4000);
    expect(Number(timeout?.slice(0, -1))).toBeLessThanOrEqual(5000);
  });

  it('lets a call timeoutMs override the client one, and sends no Grpc-Timeout without a deadline', async () => {
    const g = await gateway({ '/kv/range': ok });
    const t = transport({ endpoints: g.url, timeoutMs: 60_000 });
    await t.unary(RANGE, {}, { timeoutMs: 700 });
    expect(Number(g.calls()[0]?.headers['grpc-timeout']?.slice(0, -1))).toBeLessThanOrEqual(700);
    const plain = transport({ endpoints: g.url });
    await plain.unary(RANGE, {});
    expect(g.calls()[1]?.headers['grpc-timeout']).toBeUndefined();
  });

  it('keeps the deadline client-side only with deadlineHeader: false (the default in a browser: CORS)', async () => {
    const g = await gateway({ '/kv/range': ok });
    await transport({ endpoints: g.url, timeoutMs: 5000, deadlineHeader: false }).unary(RANGE, {});
    expect(g.calls()[0]?.headers['grpc-timeout']).toBeUndefined();
    const browserish = globalThis as { document?: unknown };
    browserish.document = {};
    try {
      await transport({ endpoints: g.url, timeoutMs: 5000 }).unary(RANGE, {});
    } finally {
      delete browserish.document;
    }
    expect(g.calls()[1]?.headers['grpc-timeout']).toBeUndefined();
    await transport({ endpoints: g.url, timeoutMs: 5000 }).unary(RANGE, {});
    expect(g.calls()[2]?.headers['grpc-timeout']).toMatch(/^\d+m$/);
  });

  it('turns a 3.4 error body into an EtcdError with its context', async () => {
    const g = await gateway({ '/kv/put': (_, res) => sendGrpcError(res, 400, 3, 'etcdserver: key is not provided') });
    const t = transport({ endpoints: g.url });
    const error = await t.unary(PUT, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EtcdError);
    expect(error).toMatchObject({
      name: 'EtcdError',
      message: 'etcdserver: key is not provided',
      code: 3,
      codeName: 'INVALID_ARGUMENT',
      httpStatus: 400,
      operation: 'kv.put',
      endpoint: g.url,
    });
  });

  it('turns a 3.6 (grpc-gateway v2) error body into an EtcdError', async () => {
    const g = await gateway(
      {
        '/lease/revoke': (_, res) =>
          sendJson(res, 404, { code: 5, message: 'etcdserver: requested lease not found', details: [] }),
      },
      { version: '3.6.14' },
    );
    const t = transport({ endpoints: g.url });
    const revoke: OperationDescriptor = { name: 'lease.leaseRevoke', route: '/lease/revoke', safety: 'write' };
    await expect(t.unary(revoke, { ID: '1' })).rejects.toMatchObject({
      code: 5,
      codeName: 'NOT_FOUND',
      message: 'etcdserver: requested lease not found',
      httpStatus: 404,
      details: [],
    });
  });

  it('treats an empty 200 body as an empty message', async () => {
    const g = await gateway({ '/kv/range': (_, res) => void res.end() });
    expect(await transport({ endpoints: g.url }).unary(RANGE, {})).toEqual({});
  });

  it('rejects bad options with clear errors', () => {
    expect(() => createTransport({ endpoints: [] })).toThrow(/endpoints is empty/);
    expect(() => createTransport({ endpoints: '127.0.0.1:2379' })).toThrow(/invalid etcd endpoint "127.0.0.1:2379"/);
    expect(() => createTransport({ endpoints: 'http://a', timeoutMs: 0 })).toThrow(RangeError);
    expect(() => createTransport({ endpoints: 'http://a', prefix: '/v2' as '/v3' })).toThrow(/prefix "\/v2"/);
  });

  it('the fetch engine resolves the global fetch at call time, not at creation', async () => {
    const original = globalThis.fetch;
    const t = createTransport({ endpoints: 'http://etcd.example:2379', prefix: '/v3', engine: createFetchEngine() });
    let called = '';
    globalThis.fetch = (async (input: string | URL | Request) => {
      called = String(input);
      return new Response('{"count":"0"}', { status: 200 });
    }) as typeof fetch;
    try {
      expect(await t.unary(RANGE, {})).toEqual({ count: '0' });
      expect(called).toBe('http://etcd.example:2379/v3/kv/range');
    } finally {
      globalThis.fetch = original;
      t.close();
    }
  });
});

describe('prefixes', () => {
  it('auto picks the prefix per endpoint from GET /version, once per endpoint', async () => {
    const old = await gateway({ '/kv/range': ok }, { version: '3.3.27' });
    const current = await gateway({ '/kv/range': ok }, { version: '3.5.21' });
    const t = transport({ endpoints: [old.url, current.url] });
    expect(await t.prefixFor(old.url)).toBe('/v3beta');
    expect(await t.prefixFor(`${current.url}/`)).toBe('/v3');
    await t.unary(RANGE, {});
    await t.unary(RANGE, {});
    expect(old.calls().map((r) => r.path)).toEqual(['/v3beta/kv/range', '/v3beta/kv/range']);
    expect(old.seen.filter((r) => r.path === '/version')).toHaveLength(1);
    expect(await t.serverVersion()).toBe('3.3.27');
  });

  it('serves a /v3beta-only server and a /v3alpha-only one', async () => {
    const beta = await gateway({ '/kv/range': ok }, { version: '3.3.12', prefixes: ['/v3beta'] });
    const alpha = await gateway({ '/kv/range': ok }, { version: '3.2.32' });
    await transport({ endpoints: beta.url }).unary(RANGE, {});
    await transport({ endpoints: alpha.url }).unary(RANGE, {});
    expect(beta.calls()[0]?.path).toBe('/v3beta/kv/range');
    expect(alpha.calls()[0]?.path).toBe('/v3alpha/kv/range');
  });

  it('does not cache a failed version probe', async () => {
    let fail = true;
    const g = await gateway({ '/kv/range': ok }, { version: null });
    const t = transport({
      endpoints: g.url,
      retry: { deadlineMs: 100 },
      fetch: async (input, init) => {
        if (String(input).endsWith('/version') && !fail) return new Response('{"etcdserver":"3.4.22"}');
        return fetch(input, init);
      },
    });
    await expect(t.unary(RANGE, {})).rejects.toThrow(/GET .*\/version answered HTTP 500/);
    fail = false;
    await expect(t.unary(RANGE, {})).resolves.toEqual(HEADER);
  });

  it('explains a 404 on an explicit prefix the server does not serve', async () => {
    const g = await gateway({ '/kv/put': ok });
    const t = transport({ endpoints: g.url, prefix: '/v3alpha' });
    const error = await t.unary(PUT, { key: 'YQ==' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EtcdError);
    expect(error).toMatchObject({ code: 12, codeName: 'UNIMPLEMENTED', httpStatus: 404 });
    expect((error as Error).message).toBe(
      `404 page not found at ${g.url}/v3alpha/kv/put: this etcd server may not serve the /v3alpha prefix; use prefix 'auto'`,
    );
  });

  it('explains a 404 on a route the detected server does not have', async () => {
    const g = await gateway({}, { version: '3.4.22' });
    const downgrade: OperationDescriptor = {
      name: 'maintenance.downgrade',
      route: '/maintenance/downgrade',
      safety: 'write',
    };
    await expect(transport({ endpoints: g.url }).unary(downgrade, {})).rejects.toThrow(
      `404 page not found at ${g.url}/v3/maintenance/downgrade: this etcd server does not serve /maintenance/downgrade`,
    );
  });
});

describe('failover', () => {
  it('moves to the next endpoint when the first refuses the connection, for reads and writes', async () => {
    const dead = await closedEndpoint();
    const g = await gateway({ '/kv/range': ok, '/kv/put': ok });
    const urls: string[] = [];
    const t = transport({
      endpoints: [dead, g.url],
      fetch: (input, init) => (urls.push(String(input)), fetch(input, init)),
    });
    expect(await t.unary(PUT, { key: 'YQ==' })).toEqual(HEADER);
    expect(await t.unary(RANGE, {})).toEqual(HEADER);
    // The refused endpoint was tried once; later calls start on the one that works.
    expect(urls.filter((u) => u.startsWith(dead))).toEqual([`${dead}/version`]);
    expect(g.calls().map((r) => r.path)).toEqual(['/v3/kv/put', '/v3/kv/range']);
  });

  it('retries a read on the next member after a 503, but never re-sends a write that reached a server', async () => {
    const unavailable: Route = (_, res) => sendGrpcError(res, 503, 14, 'etcdserver: request timed out');
    const sick = await gateway({ '/kv/range': unavailable, '/kv/put': unavailable });
    const healthy = await gateway({ '/kv/range': ok, '/kv/put': ok });
    const t = transport({ endpoints: [sick.url, healthy.url] });
    await expect(t.unary(PUT, { key: 'YQ==' })).rejects.toMatchObject({
      code: 14,
      httpStatus: 503,
      endpoint: sick.url,
    });
    expect(healthy.calls()).toEqual([]);
    // The 503 moved the client on, so this read goes to the healthy member; a read would have been retried anyway.
    expect(await t.unary(RANGE, {})).toEqual(HEADER);
    const readFirst = transport({ endpoints: [sick.url, healthy.url] });
    expect(await readFirst.unary(RANGE, {})).toEqual(HEADER);
    expect(sick.calls().map((r) => r.path)).toEqual(['/v3/kv/put', '/v3/kv/range']);
  });

  it('does not re-send a write when the connection drops after the server received it', async () => {
    const reset: Route = (_, res) => void res.socket?.destroy();
    const flaky = await gateway({ '/kv/put': reset, '/kv/range': reset });
    const healthy = await gateway({ '/kv/put': ok, '/kv/range': ok });
    const t = transport({ endpoints: [flaky.url, healthy.url] });
    const error = await t.unary(PUT, { key: 'YQ==' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EtcdConnectionError);
    expect((error as Error).message).toMatch(
      /kv\.put failed on .* may have reached the server; a write is not retried/,
    );
    expect(flaky.calls()).toHaveLength(1);
    expect(healthy.calls()).toEqual([]);
    const reader = transport({ endpoints: [flaky.url, healthy.url] });
    expect(await reader.unary(RANGE, {})).toEqual(HEADER);
  });

  it('moves a read and an idempotent put past a member shutting down (408 CANCELLED), never a plain put', async () => {
    // What a member answers while it stops on SIGTERM (measured on etcd 3.4.22, test/resilience/graceful-restart.test.ts).
    const closing: Route = (_, res) => sendGrpcError(res, 408, 1, 'grpc: the client connection is closing');
    const stopping = await gateway({ '/kv/range': closing, '/kv/put': closing });
    const healthy = await gateway({ '/kv/range': ok, '/kv/put': ok });
    const endpoints = [stopping.url, healthy.url];
    expect(await transport({ endpoints }).unary(RANGE, {})).toEqual(HEADER);
    expect(await transport({ endpoints }).unary(PUT, { key: 'YQ==' }, { idempotent: true })).toEqual(HEADER);
    // gRPC also ends calls in flight with it: a put may have been applied, so it is not sent again.
    const t = transport({ endpoints });
    await expect(t.unary(PUT, { key: 'Yg==' })).rejects.toMatchObject({ codeName: 'CANCELLED', httpStatus: 408 });
    expect(healthy.calls().map((r) => r.body)).toEqual(['{}', '{"key":"YQ=="}']);
    expect(await t.unary(RANGE, {})).toEqual(HEADER); // and the next call starts on the healthy member
    expect(stopping.calls()).toHaveLength(3);
  });

  it('keeps any other CANCELLED answer final', async () => {
    const canceled: Route = (_, res) => sendGrpcError(res, 408, 1, 'context canceled');
    const a = await gateway({ '/kv/range': canceled });
    const b = await gateway({ '/kv/range': ok });
    await expect(transport({ endpoints: [a.url, b.url] }).unary(RANGE, {})).rejects.toMatchObject({ codeName: 'CANCELLED' });
    expect(b.calls()).toEqual([]);
  });

  it('gives up with EtcdConnectionError listing every endpoint once the retry deadline passes', async () => {
    const a = await closedEndpoint();
    const b = await closedEndpoint();
    const t = transport({ endpoints: [a, b], retry: { deadlineMs: 300, initialBackoffMs: 20 } });
    const started = Date.now();
    const error = await t.unary(RANGE, {}).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(error).toBeInstanceOf(EtcdConnectionError);
    const failure = error as EtcdConnectionError;
    expect(failure.causes.map((c) => c.endpoint).sort()).toEqual([a, b].sort());
    expect(failure.message).toMatch(/^kv\.range failed on every endpoint: /);
    expect(failure.message).toContain('ECONNREFUSED');
  });

  it('fails a user abort at once, rethrowing its AbortError, without trying other endpoints', async () => {
    const slow = await gateway({ '/kv/range': hang });
    const other = await gateway({ '/kv/range': ok });
    const t = transport({ endpoints: [slow.url, other.url] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await t.unary(RANGE, {}, { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBe(controller.signal.reason);
    expect((error as Error).name).toBe('AbortError');
    expect(other.calls()).toEqual([]);
  });

  it('fails with DEADLINE_EXCEEDED when the call deadline passes', async () => {
    const slow = await gateway({ '/kv/range': hang });
    const t = transport({ endpoints: slow.url, timeoutMs: 100 });
    await expect(t.unary(RANGE, {})).rejects.toMatchObject({
      name: 'EtcdError',
      code: 4,
      codeName: 'DEADLINE_EXCEEDED',
      message: 'kv.range exceeded its deadline of 100 ms',
    });
  });

  it('close() cancels calls in flight and refuses new ones', async () => {
    const slow = await gateway({ '/kv/range': hang });
    const t = createTransport({ endpoints: slow.url });
    const pending = t.unary(RANGE, {});
    setTimeout(() => t.close(), 30);
    await expect(pending).rejects.toMatchObject({ code: 1, message: 'the etcd client is closed' });
    await expect(t.unary(RANGE, {})).rejects.toMatchObject({ code: 1 });
  });
});

// Authentication: test/runtime/auth.test.ts, against a real etcd with auth enabled.

describe('streams', () => {
  it('sends several requests joined by newlines and yields each result until the consumer stops', async () => {
    let closedByClient = false;
    const g = await gateway({
      '/watch': (req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"result":{"header":{"revision":"3"},"created":true}}\n{"result":{"events":[{"kv":');
        setTimeout(() => res.write('{"key":"YQ=="}}]}}\n{"result":{}}\n{}\n'), 20);
        res.on('close', () => (closedByClient = true)); // the stream never ends on its own, like a watch
      },
    });
    const t = transport({ endpoints: g.url });
    const requests = [
      { create_request: { key: 'YQ==', watch_id: '1' } },
      { create_request: { key: 'Yg==', watch_id: '2' } },
    ];
    const seen: unknown[] = [];
    for await (const message of t.stream(WATCH, requests)) {
      seen.push(message);
      if (seen.length === 4) break;
    }
    expect(seen).toEqual([{ header: { revision: '3' }, created: true }, { events: [{ kv: { key: 'YQ==' } }] }, {}, {}]);
    expect(g.calls()[0]?.body).toBe(requests.map((r) => JSON.stringify(r)).join('\n'));
    await expect.poll(() => closedByClient).toBe(true);
  });

  it('throws the EtcdError of an in-stream error chunk', async () => {
    const g = await gateway({
      '/watch': (_, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          '{"result":{"created":true}}\n' +
            '{"error":{"grpc_code":14,"http_code":503,"message":"transport is closing","http_status":"Service Unavailable"}}\n',
        );
      },
    });
    const t = transport({ endpoints: g.url });
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const m of t.stream(WATCH, {})) seen.push(m);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([{ created: true }]);
    expect(error).toBeInstanceOf(EtcdError);
    expect(error).toMatchObject({
      code: 14,
      codeName: 'UNAVAILABLE',
      message: 'transport is closing',
      httpStatus: 503,
      operation: 'watch.watch',
    });
  });

  it('reports a dropped stream as EtcdConnectionError', async () => {
    const g = await gateway({
      '/watch': (_, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"result":{"created":true}}\n');
        setTimeout(() => res.socket?.destroy(), 20);
      },
    });
    const t = transport({ endpoints: g.url });
    const error = await (async () => {
      for await (const _ of t.stream(WATCH, {})) void _;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EtcdConnectionError);
    expect((error as Error).message).toMatch(/^watch\.watch stream from http:\/\/127\.0\.0\.1:\d+ broke/);
  });

  it('opens on the next endpoint when the first refuses, and stops on abort', async () => {
    const dead = await closedEndpoint();
    const g = await gateway({
      '/watch': (_, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"result":{"created":true}}\n');
      },
    });
    const t = transport({ endpoints: [dead, g.url] });
    const controller = new AbortController();
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const m of t.stream(WATCH, {}, { signal: controller.signal })) {
        seen.push(m);
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(seen).toEqual([{ created: true }]);
    expect((error as Error).name).toBe('AbortError');
  });

  it('a non-2xx answer to a stream throws before anything is yielded', async () => {
    const g = await gateway({ '/watch': (_, res) => sendGrpcError(res, 400, 3, 'etcdserver: key is not provided') });
    const t = transport({ endpoints: g.url });
    const stream = t.stream(WATCH, {});
    await expect(stream.next()).rejects.toMatchObject({ code: 3, operation: 'watch.watch' });
  });
});
