// Stopping a watch cancels it on the server (a real etcd, observed through its own watcher gauges): on a shared
// websocket the other watches keep working; a POST watch closes its connection. Where a closed socket would leave
// its stream behind (the server table's websocketCloseEndsStream), the client takes a POST even with a WebSocket.
import { expect, it } from 'vitest';
import { describeEtcd } from '../helpers/etcd.js';
import { currentServer } from '../helpers/servers.js';
import { useEtcd } from '../helpers/fixture.js';
import { eventually, metric, sleep, text, within, WATCH_TRANSPORTS } from './helpers.js';

const WATCHERS = 'etcd_debugging_mvcc_watcher_total';
const STREAMS = 'etcd_debugging_mvcc_watch_stream_total';

describeEtcd('stopping a watch cancels it on the server', () => {
  const fx = useEtcd();
  const gauge = (name: string) => () => metric(fx.etcd.url, name);

  // One socket for both watches where closing it ends its stream; else one POST each.
  const sockets = currentServer().websocketCloseEndsStream ? 1 : 0;

  it('break and abort on a shared websocket: the server drops that watcher, the other keeps delivering', async () => {
    await eventually(gauge(WATCHERS), (n) => n === 0);
    const instruments = WATCH_TRANSPORTS.find((t) => t.name === 'websocket')!.options();
    const client = fx.gen.createClient({ endpoints: fx.etcd.url, ...instruments.options });
    const abort = new AbortController();
    const first = client.watchEvents({ key: 'ws/a' })[Symbol.asyncIterator]();
    const second = client.watchEvents({ key: 'ws/b', signal: abort.signal })[Symbol.asyncIterator]();
    const firstEvent = first.next();
    const secondEvent = second.next();
    await eventually(gauge(WATCHERS), (n) => n === 2);
    expect(instruments.ws.sockets).toBe(sockets);

    await client.kv.put({ key: 'ws/a', value: '1' });
    expect(text((await within(firstEvent, 5_000, 'ws/a')).value?.kv?.key)).toBe('ws/a');
    await first.return?.(); // the consumer's `break`
    await eventually(gauge(WATCHERS), (n) => n === 1);

    await client.kv.put({ key: 'ws/b', value: '1' });
    expect(text((await within(secondEvent, 5_000, 'ws/b')).value?.kv?.key)).toBe('ws/b');
    expect(await metric(fx.etcd.url, STREAMS)).toBe(1);

    const pending = second.next(); // waiting for an event when the signal aborts
    abort.abort(new Error('stop watching'));
    await expect(within(pending, 5_000, 'the aborted watch')).rejects.toThrow('stop watching');
    await eventually(gauge(WATCHERS), (n) => n === 0);
    await eventually(gauge(STREAMS), (n) => n === 0); // the unused socket closes (or the last POST)
    expect(instruments.ws.sockets).toBe(sockets);
    client.close();
  });

  it.each(['break', 'abort'] as const)('%s on a POST watch closes its connection', async (how) => {
    await eventually(gauge(STREAMS), (n) => n === 0);
    const instruments = WATCH_TRANSPORTS.find((t) => t.name === 'POST')!.options();
    const client = fx.gen.createClient({ endpoints: fx.etcd.url, ...instruments.options });
    const abort = new AbortController();
    const watch = client.watchEvents({ key: `post/${how}`, signal: abort.signal })[Symbol.asyncIterator]();
    const event = watch.next();
    await eventually(gauge(STREAMS), (n) => n === 1);
    await client.kv.put({ key: `post/${how}`, value: '1' });
    expect(text((await within(event, 5_000, 'the event')).value?.kv?.key)).toBe(`post/${how}`);

    if (how === 'break') {
      await watch.return?.();
    } else {
      abort.abort(new Error('stop watching'));
      await sleep(100); // the consumer is busy elsewhere: the abort alone must close the connection
    }
    await eventually(gauge(STREAMS), (n) => n === 0);
    await eventually(gauge(WATCHERS), (n) => n === 0);
    if (how === 'abort') await expect(watch.next()).rejects.toThrow('stop watching');
    expect(instruments.fetch.count('/watch')).toBe(1);
    client.close();
  });

  it('client.close() ends every watch', async () => {
    for (const transport of WATCH_TRANSPORTS) {
      const client = fx.gen.createClient({ endpoints: fx.etcd.url, ...transport.options().options });
      const watch = client.watchEvents({ key: 'closing' })[Symbol.asyncIterator]();
      const pending = watch.next();
      await eventually(gauge(STREAMS), (n) => n === 1);
      client.close();
      await expect(within(pending, 5_000, `close (${transport.name})`)).rejects.toThrow('the etcd client is closed');
      await eventually(gauge(STREAMS), (n) => n === 0);
    }
  });
});
