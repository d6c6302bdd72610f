/**
 * The path prefix is chosen at run time: clients generated from the /v3alpha (3.2) and /v3beta (3.3) specs
 * work against a 3.4 server with prefix 'auto'; an explicit prefix the server does not serve fails clearly. A
 * client whose spec predates client-chosen watch IDs (3.3.12) watches over POSTs, never a shared websocket.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadClient } from '../helpers/client.js';
import { describeEtcd, startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { currentServer } from '../helpers/servers.js';

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

describeEtcd('prefix selection against etcd 3.4', () => {
  let etcd: EtcdServer;
  beforeAll(async () => {
    etcd = await startEtcd();
  });
  afterAll(() => etcd?.stop());

  it.each([['3.2.32'], ['3.3.12'], ['3.3.27'], ['3.6.14']])("a client generated from v%s works with prefix 'auto'", async (version) => {
    const gen = await loadClient({ etcd: version });
    const client = gen.createClient({ endpoints: etcd.url });
    await client.kv.put({ key: `from-${version}`, value: version });
    const res = await client.kv.range({ key: `from-${version}` });
    expect(text(res.kvs[0]?.value)).toBe(version);
    expect(await client.transport.prefixFor(etcd.url)).toBe('/v3');
  }, 60_000);

  it.each([
    ['3.3.12', 0],
    ['3.6.14', 1],
  ])('watchEvents of a client generated from v%s: %i shared websocket(s), the events either way', async (version, sockets) => {
    const gen = await loadClient({ etcd: version });
    let opened = 0;
    const Counting = class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        opened += 1;
      }
    };
    const client = gen.createClient({ endpoints: etcd.url, WebSocket: Counting as never });
    const key = `watched-by-${version}`;
    const stop = new AbortController();
    const events = client.watchEvents({ key, signal: stop.signal });
    const first = events.next();
    await new Promise((resolve) => setTimeout(resolve, 300)); // the watch is created before the put
    await client.kv.put({ key, value: 'v' });
    const { value } = await first;
    expect(text(value?.kv?.key)).toBe(key);
    expect(opened).toBe(currentServer().websocketCloseEndsStream ? sockets : 0); // POST where a socket would leak
    stop.abort();
    client.close();
  }, 60_000);

  it("an explicit '/v3beta' is still served by 3.4 (rewritten to /v3)", async () => {
    const gen = await loadClient();
    const client = gen.createClient({ endpoints: etcd.url, prefix: '/v3beta' });
    await expect(client.kv.range({ key: 'x' })).resolves.toMatchObject({ count: 0n });
  });

  it("an explicit '/v3alpha' against 3.4 fails with an EtcdError that names the prefix", async () => {
    const gen = await loadClient({ etcd: '3.2.32' });
    const client = gen.createClient({ endpoints: etcd.url, prefix: '/v3alpha' });
    const error = await client.kv.range({ key: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(gen.EtcdError);
    expect(error).toMatchObject({ codeName: 'UNIMPLEMENTED', httpStatus: 404, operation: 'kv.range' });
    expect((error as Error).message).toMatch(/\/v3alpha/);
    expect((error as Error).message).toMatch(/may not serve/);
  }, 60_000);
});
