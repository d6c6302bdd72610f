// Watches under auth with --auth-token-ttl 2 (every server of the matrix, and the fake): a watch outlives its token, a watch created
// with an expired token (after idling, or after a restart forgot every token) authenticates again and carries on,
// permission denied is final, and the websocket (which cannot carry a token to 3.4) is not used.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EtcdError, type Event } from '../../generated/index.js';
import { describeEtcd, etcdctl } from '../helpers/etcd.js';
import { useEtcd, type Client } from '../helpers/fixture.js';
import { eventually, metric, sleep, text, within, WATCH_TRANSPORTS } from './helpers.js';

const ROOT = ['--user', 'root:rootpw'];

// The server's flag and etcdctl set the scene (on the fake row: its authTokenTtl option and a client's calls).
describeEtcd('watchEvents under auth (--auth-token-ttl 2)', () => {
  const fx = useEtcd({ authTokenTtl: 2 });
  const put = (key: string, value: string): Promise<string> => etcdctl([...ROOT, 'put', key, value], fx.etcd.url);
  const watchers = () => metric(fx.etcd.url, 'etcd_debugging_mvcc_watcher_total');

  beforeAll(async () => {
    for (const args of [
      ['user', 'add', 'root:rootpw'],
      ['user', 'add', 'alice:alicepw'],
      ['role', 'add', 'watcher'],
      ['role', 'grant-permission', 'watcher', 'readwrite', 'a/', '--prefix=true'],
      ['user', 'grant-role', 'alice', 'watcher'],
      ['auth', 'enable'],
    ]) {
      await etcdctl(args, fx.etcd.url);
    }
  });

  // Given a WebSocket class, the client must still watch over POST: 3.4 rejects a token sent over a websocket.
  const websocket = WATCH_TRANSPORTS.find((t) => t.name === 'websocket')!;
  const instruments = websocket.options();
  let alice: Client;
  beforeAll(() => {
    alice = fx.gen.createClient({
      endpoints: fx.etcd.url,
      auth: { name: 'alice', password: 'alicepw' },
      ...instruments.options,
    });
  });
  afterAll(() => alice?.close());

  async function nextKey(iterator: AsyncIterator<Event>): Promise<string> {
    const { value } = await within(iterator.next(), 20_000, 'the next event');
    return text(value?.kv?.key);
  }

  it('keeps delivering after idling past the token TTL and after a restart forces re-creation', async () => {
    const iterator = alice.watchEvents({ key: 'a/', prefix: true })[Symbol.asyncIterator]();
    const first = nextKey(iterator);
    await eventually(watchers, (n) => n === 1); // created, from "now"
    await put('a/1', 'x');
    expect(await first).toBe('a/1');
    const authenticationsBefore = instruments.fetch.count('/auth/authenticate');

    await sleep(3_000); // idle past the 2 s TTL: the open watch runs on
    await put('a/2', 'x');
    expect(await nextKey(iterator)).toBe('a/2');

    await fx.etcd.kill('SIGKILL'); // the restarted server knows no token: the watch is re-created with a new one
    await fx.etcd.restart();
    await put('a/3', 'x');
    expect(await nextKey(iterator)).toBe('a/3');
    await iterator.return?.();

    expect(instruments.fetch.count('/auth/authenticate')).toBeGreaterThan(authenticationsBefore);
    expect(instruments.ws.sockets).toBe(0);
  });

  it('a new watch after the client idled past the TTL authenticates again', async () => {
    await eventually(watchers, (n) => n === 0);
    await sleep(3_000); // a TTL wait: idle past the 2 s token TTL
    const before = instruments.fetch.count('/auth/authenticate');
    const iterator = alice.watchEvents({ key: 'a/idle' })[Symbol.asyncIterator]();
    const first = nextKey(iterator);
    await eventually(watchers, (n) => n === 1); // created once the expired token was replaced
    await put('a/idle', 'x');
    expect(await first).toBe('a/idle');
    await iterator.return?.();
    expect(instruments.fetch.count('/auth/authenticate')).toBeGreaterThan(before);
  });

  it('permission denied is a final EtcdError', async () => {
    const watchesBefore = instruments.fetch.count('/watch');
    const error = await within(alice.watchEvents({ key: 'b/secret' }).next(), 10_000, 'the watch').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EtcdError);
    expect((error as EtcdError).codeName).toBe('PERMISSION_DENIED');
    expect((error as EtcdError).message).toBe('etcdserver: permission denied');
    expect(instruments.fetch.count('/watch')).toBe(watchesBefore + 1); // asked once, not retried
  });
});
