// Token answers that mean "authenticate again" beyond a 401: upstream etcd 3.4.23 closing the connection with an
// empty reply on an expired token (etcd-io/etcd#15256; a loopback fake, as Debian's build answers 401), and JWT
// tokens answering `revision of auth store is old` after a user change (a real etcd with --auth-token jwt). Reads
// re-authenticate and retry once; a write only when the answer proves it was not applied.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clusterLayers } from '../../templates/runtime/core/layers.js';
import { createTransport } from '../../templates/runtime/core/transport.js';
import type { OperationDescriptor, Transport } from '../../templates/runtime/types.js';
import { describeEtcd, etcdctl } from '../helpers/etcd.js';
import { useEtcd } from '../helpers/fixture.js';
import { sendGrpcError, sendJson, startFakeGateway, type FakeGateway, type Route } from '../runtime/fake-gateway.js';

const RANGE: OperationDescriptor = { name: 'kv.range', route: '/kv/range', safety: 'read' };
const PUT: OperationDescriptor = { name: 'kv.put', route: '/kv/put', safety: 'write' };
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('an expired token answered by closing the connection (loopback fake of an upstream 3.4 server)', () => {
  async function emptyReplyServer(): Promise<{ g: FakeGateway; expire: () => void; t: Transport }> {
    const state = { issued: 0, valid: '' };
    const authed: Route = (req, res) => {
      if (req.headers['authorization'] !== state.valid) return void res.socket?.destroy(); // an empty reply
      sendJson(res, 200, { header: { revision: '7' } });
    };
    const g = await startFakeGateway({
      '/auth/authenticate': (_, res) => sendJson(res, 200, { header: {}, token: (state.valid = `tok.${++state.issued}`) }),
      '/kv/range': authed,
      '/kv/put': authed,
    });
    const t = createTransport({ endpoints: g.url, auth: { name: 'root', password: 'pw' } }, clusterLayers);
    cleanups.push(() => g.close(), () => t.close());
    return { g, t, expire: () => void (state.valid = 'expired') };
  }
  const trail = (g: FakeGateway): string[] => g.calls().map((c) => `${c.path} ${c.headers['authorization'] ?? '-'}`);

  it('a read authenticates again and is sent once more', async () => {
    const { g, t, expire } = await emptyReplyServer();
    await t.unary(RANGE, {});
    expire();
    expect(await t.unary(RANGE, {})).toEqual({ header: { revision: '7' } });
    expect(trail(g)).toEqual([
      '/v3/auth/authenticate -',
      '/v3/kv/range tok.1',
      '/v3/kv/range tok.1',
      '/v3/auth/authenticate -',
      '/v3/kv/range tok.2',
    ]);
  });

  it('a write is not re-sent (no answer proves it was not applied), and the next call authenticates again', async () => {
    const { g, t, expire } = await emptyReplyServer();
    await t.unary(RANGE, {});
    expire();
    await expect(t.unary(PUT, {})).rejects.toThrow(/may have reached the server; a write is not retried/);
    expect(await t.unary(PUT, {})).toEqual({ header: { revision: '7' } });
    expect(trail(g).slice(2)).toEqual(['/v3/kv/put tok.1', '/v3/auth/authenticate -', '/v3/kv/put tok.2']);
  });

  it('a connection closed on a call without a token is no token problem', async () => {
    const g = await startFakeGateway({ '/kv/range': (_, res) => void res.socket?.destroy() });
    const t = createTransport({ endpoints: g.url, retry: { deadlineMs: 200 } }, clusterLayers);
    cleanups.push(() => g.close(), () => t.close());
    await expect(t.unary(RANGE, {})).rejects.toThrow(/failed on every endpoint/);
  });

  it('a 400 that is no token problem is not retried', async () => {
    const g = await startFakeGateway({
      '/auth/authenticate': (_, res) => sendJson(res, 200, { header: {}, token: 'tok' }),
      '/kv/put': (_, res) => sendGrpcError(res, 400, 3, 'etcdserver: key is not provided'),
    });
    const t = createTransport({ endpoints: g.url, auth: { name: 'root', password: 'pw' } }, clusterLayers);
    cleanups.push(() => g.close(), () => t.close());
    await expect(t.unary(PUT, {})).rejects.toThrow(/key is not provided/);
    expect(g.calls().filter((c) => c.path === '/v3/kv/put')).toHaveLength(1);
  });
});

/** An RS256 key pair for etcd's --auth-token jwt. */
function jwtKeys(): string {
  const dir = mkdtempSync(join(tmpdir(), 'etcd-jwt-'));
  execFileSync('openssl', ['genrsa', '-out', join(dir, 'priv.pem'), '2048'], { stdio: 'ignore' });
  execFileSync('openssl', ['rsa', '-in', join(dir, 'priv.pem'), '-pubout', '-out', join(dir, 'pub.pem')], { stdio: 'ignore' });
  return `--auth-token=jwt,pub-key=${join(dir, 'pub.pem')},priv-key=${join(dir, 'priv.pem')},sign-method=RS256,ttl=10m`;
}

describeEtcd('JWT tokens after a user change: "revision of auth store is old" (real etcd)', () => {
  const fx = useEtcd({ extraArgs: [jwtKeys()] });
  const root = ['--user=root:pw'];
  let users = 0;
  /** Any user change raises the auth store revision: every token issued before it is old. */
  const changeUsers = () => etcdctl(['user', 'add', `u${++users}:pw`, '--interactive=false', ...root], fx.etcd.url);
  beforeAll(async () => {
    await etcdctl(['user', 'add', 'root:pw', '--interactive=false'], fx.etcd.url);
    await etcdctl(['auth', 'enable'], fx.etcd.url);
  });

  it('a write refused for its old token is sent again with a new one, and applied once', async () => {
    const client = fx.newClient({ auth: { name: 'root', password: 'pw' } });
    await client.kv.put({ key: 'jwt/w', value: 'v1' });
    await changeUsers();
    await client.kv.put({ key: 'jwt/w', value: 'v2' });
    const [kv] = (await client.kv.range({ key: 'jwt/w' })).kvs;
    expect(fx.gen.bytesToText(kv!.value)).toBe('v2');
    expect(kv!.version).toBe(2n); // v1, then v2 once
  });

  it('a read, and a watch opened with an old token, authenticate again', async () => {
    const client = fx.newClient({ auth: { name: 'root', password: 'pw' }, WebSocket: null });
    await client.kv.range({ key: 'jwt/r' });
    await changeUsers();
    expect((await client.kv.range({ key: 'jwt/r' })).count).toBe(0n);
    await changeUsers();
    const events = client.watchEvents({ key: 'jwt/watched' });
    const first = (async () => {
      for await (const event of events) return event;
      return undefined;
    })();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await client.kv.put({ key: 'jwt/watched', value: 'seen' });
    const event = await first;
    expect(fx.gen.bytesToText(event?.kv?.value ?? new Uint8Array())).toBe('seen');
  });
});
