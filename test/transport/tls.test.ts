// The generated client against a real etcd 3.4.23 with --client-cert-auth: every path (unary, txn, watch streams,
// lease keepalive streams, locks, snapshots, authentication, the /version probe) over mutual TLS, and the three
// refusals in words with nothing written.
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClient, type GeneratedModule } from '../helpers/client.js';
import { currentServer } from '../helpers/servers.js';
import { describeEtcd, etcdctl, startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { makePki, type Pki } from '../helpers/tls.js';

type Client = ReturnType<GeneratedModule['createClient']>;

describeEtcd('the client over mutual TLS (real etcd, --client-cert-auth)', () => {
  let etcd: EtcdServer;
  let gen: GeneratedModule;
  let pki: Pki;
  const clients: Client[] = [];
  const client = (options: Partial<Parameters<GeneratedModule['createClient']>[0]> = {}): Client => {
    const c = gen.createClient({ endpoints: etcd.url, tls: pki.clientTls, ...options });
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    pki = makePki();
    [etcd, gen] = await Promise.all([startEtcd({ tls: pki.server }), loadClient()]);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await etcd?.stop();
  });

  it('puts, ranges and runs a txn; the /version probe went over TLS too', async () => {
    const c = client();
    expect(await c.transport.serverVersion()).toBe(currentServer().version);
    await c.kv.put({ key: 'tls/a', value: '1' });
    expect(gen.bytesToText((await c.kv.range({ key: 'tls/a' })).kvs[0]!.value)).toBe('1');
    const txn = await c.kv.txn({
      compare: [{ key: 'tls/a', target: 'VALUE', result: 'EQUAL', value: '1' }],
      success: [{ requestPut: { key: 'tls/b', value: '2' } }],
    });
    expect(txn.succeeded).toBe(true);
    expect(await etcdctl(['get', 'tls/b', '--print-value-only'], etcd.url, pki.etcdctlEnv)).toBe('2\n');
  });

  it('watches over a POST stream', async () => {
    const c = client({ WebSocket: null });
    const events = c.watchEvents({ key: 'tls/w' });
    const first = (async () => {
      for await (const event of events) return event;
      return undefined;
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await c.kv.put({ key: 'tls/w', value: 'seen' });
    expect((await first)?.type).toBe('PUT');
  });

  /** The first event on `key` through `c`, after a put. */
  async function firstEvent(c: Client, key: string): Promise<string | undefined> {
    const events = c.watchEvents({ key });
    const first = (async () => {
      for await (const event of events) return event.type;
      return undefined;
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await c.kv.put({ key, value: 'seen' });
    return await first;
  }

  // Where the client takes a websocket at all (the server table's websocketCloseEndsStream); else it watches over POST.
  it('watches over a ws WebSocket, which gets the TLS options as its third argument', async () => {
    const seen: unknown[] = [];
    class Recording extends WebSocket {
      constructor(url: string, protocols?: string | string[], options?: WebSocket.ClientOptions) {
        super(url, protocols, options);
        seen.push({ url, ca: Array.isArray(options?.ca), cert: typeof options?.cert });
      }
    }
    expect(await firstEvent(client({ WebSocket: Recording }), 'tls/ws')).toBe('PUT');
    const socket = { url: `${etcd.url.replace('https:', 'wss:')}/v3/watch`, ca: true, cert: 'string' };
    expect(seen).toEqual(currentServer().websocketCloseEndsStream ? [socket] : []);
  });

  it('watches over POST with tls when only a global WebSocket is there (it cannot take TLS options)', async () => {
    const global = globalThis as { WebSocket?: unknown };
    const before = global.WebSocket;
    let used = 0;
    global.WebSocket = class {
      constructor() {
        used += 1;
        throw new Error('the global WebSocket must not be used with tls');
      }
    };
    try {
      expect(await firstEvent(client(), 'tls/global')).toBe('PUT');
      expect(used).toBe(0);
    } finally {
      global.WebSocket = before;
    }
  });

  it('keeps a lease alive over the keepalive stream, and holds a lock', async () => {
    const c = client();
    const keeper = await c.leaseKeeper({ ttl: 2 });
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // past the TTL: only keepalives kept it
    const ttl = await c.lease.timeToLive({ ID: keeper.id });
    expect(ttl.TTL).toBeGreaterThan(0n);
    await keeper.revoke();
    expect(await c.withLock('tls-lock', () => 'held', { ttl: 5 })).toBe('held');
  });

  it('streams a verified snapshot', async () => {
    let bytes = 0;
    for await (const blob of client().snapshotBlobs()) bytes += blob.length;
    expect(bytes).toBeGreaterThan(0);
  });

  it('with --client-cert-auth, etcd 3.4 refuses password authentication through its gateway', async () => {
    await etcdctl(['user', 'add', 'root:pw', '--interactive=false'], etcd.url, pki.etcdctlEnv);
    await etcdctl(['user', 'grant-role', 'root', 'root'], etcd.url, pki.etcdctlEnv);
    await etcdctl(['auth', 'enable'], etcd.url, pki.etcdctlEnv);
    try {
      const c = client({ auth: { name: 'root', password: 'pw' } });
      await expect(c.kv.put({ key: 'tls/authed', value: 'x' })).rejects.toThrow(/CommonName of client sending a request against gateway will be ignored/);
    } finally {
      await etcdctl(['auth', 'disable', '--user=root:pw'], etcd.url, pki.etcdctlEnv);
    }
  });

  it('authenticates over TLS to a server that does not ask for client certificates', async () => {
    const serverOnly = await startEtcd({ tls: { ...pki.server, clientCertAuth: false } });
    try {
      const env = { ETCDCTL_CACERT: pki.files.ca };
      await etcdctl(['user', 'add', 'root:pw', '--interactive=false'], serverOnly.url, env);
      await etcdctl(['user', 'grant-role', 'root', 'root'], serverOnly.url, env);
      await etcdctl(['auth', 'enable'], serverOnly.url, env);
      const c = gen.createClient({ endpoints: serverOnly.url, tls: { ca: pki.ca }, auth: { name: 'root', password: 'pw' } });
      clients.push(c);
      await c.kv.put({ key: 'tls/authed', value: 'x' });
      expect((await c.kv.range({ key: 'tls/authed' })).count).toBe(1n);
    } finally {
      await serverOnly.stop();
    }
  });

  describe('refusals: the endpoint and the TLS reason, never plain HTTP, nothing written', () => {
    const refusedPut = async (options: Partial<Parameters<GeneratedModule['createClient']>[0]>): Promise<Error> => {
      const error = await client({ prefix: '/v3', ...options }).kv.put({ key: 'tls/refused', value: 'x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(gen.EtcdError);
      return error as Error;
    };
    afterAll(async () => {
      expect(await etcdctl(['get', 'tls/refused', '--print-value-only'], etcd.url, pki.etcdctlEnv)).toBe('');
    });

    it('an untrusted server certificate', async () => {
      const error = await refusedPut({ tls: { ca: pki.otherCa, cert: pki.clientCert, key: pki.clientKey } });
      expect(error.message).toMatch(new RegExp(`^TLS refused at ${etcd.url.replace(/\./g, '\\.')}: the server's certificate is not trusted`));
    });

    it('no client certificate', async () => {
      const error = await refusedPut({ tls: { ca: pki.ca } });
      expect(error.message).toMatch(/TLS refused at https:.*refused the client certificate/);
    });

    it('http:// to the TLS port', async () => {
      const plain = etcd.url.replace('https:', 'http:');
      const error = await refusedPut({ endpoints: plain, tls: undefined } as never);
      expect(error.message).toContain(`TLS refused at ${plain}: the server speaks TLS on this port: use ${etcd.url}`);
    });
  });
});
