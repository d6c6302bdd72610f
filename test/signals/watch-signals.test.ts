// The signals around a watch, against each real server over both ways a watch travels: `created` says when the
// server holds the watch (so "watch, then write" never misses the write), `requestProgress()` answers on the
// watch's stream without losing or repeating an event, and `status` reports a member that is gone and back
// while the iteration goes on.
import { describe, expect, it } from 'vitest';
import { describeEtcd } from '../helpers/etcd.js';
import { useEtcd } from '../helpers/fixture.js';
import { currentServer } from '../helpers/servers.js';
import { eventually, text, within, WATCH_TRANSPORTS } from '../watch/helpers.js';

const TRIES = 200;

describeEtcd('watch signals', () => {
  const fx = useEtcd();

  describe.each(WATCH_TRANSPORTS)('over $name', (transport) => {
    it(`watch, await created, then write: the write arrives, ${TRIES} times out of ${TRIES}`, async () => {
      const { options } = transport.options();
      const watcher = fx.newClient(options);
      const writer = fx.newClient();
      let missed = 0;
      for (let i = 0; i < TRIES; i++) {
        const key = `created/${transport.name}/${i}`;
        const watch = watcher.watchEvents({ key });
        const createdAt = await within(watch.created, 5_000, 'created');
        const put = await writer.kv.put({ key, value: `v${i}` });
        expect(put.header!.revision).toBeGreaterThan(createdAt);
        const next = await Promise.race([
          watch.next(),
          new Promise<'missed'>((resolve) => setTimeout(() => resolve('missed'), 2_000)),
        ]);
        if (next === 'missed' || next.done === true) missed += 1;
        else expect([text(next.value.kv?.key), text(next.value.kv?.value)]).toEqual([key, `v${i}`]);
        await watch.return();
      }
      expect(missed).toBe(0);
    });

    it('created resolves with the revision the watch starts after, and nothing at or before it comes', async () => {
      const { options } = transport.options();
      const client = fx.newClient(options);
      const key = `created-rev/${transport.name}`;
      await client.kv.put({ key, value: 'before' });
      const watch = client.watchEvents({ key });
      const revision = await watch.created;
      const current = (await client.kv.range({ key })).header!.revision;
      expect(revision).toBe(current);
      await client.kv.put({ key, value: 'after' });
      const { value } = await watch.next();
      expect(text(value!.kv?.value)).toBe('after');
      expect(value!.kv!.modRevision).toBe(revision + 1n);
      await watch.return();
    });

    it('mapWatch maps the events and keeps the signals of the watch', async () => {
      const { options } = transport.options();
      const client = fx.newClient(options);
      const key = `mapped/${transport.name}`;
      const watch = client.watchEvents({ key });
      const mapped = fx.gen.mapWatch(watch, (event) => text(event.kv?.value).toUpperCase());
      const revision = await mapped.created;
      expect(revision).toBe(await watch.created);
      expect(mapped.status).toBe('connected');
      await client.kv.put({ key, value: 'shout' });
      expect(await mapped.next()).toEqual({ done: false, value: 'SHOUT' });
      const progress = mapped.requestProgress();
      const waiting = mapped.next(); // the answer comes in order with events: keep iterating meanwhile
      expect(await within(progress, 5_000, 'requestProgress')).toBeGreaterThan(revision);
      await within(mapped.return(), 3_000, 'return() while a next() waits');
      await expect(waiting).rejects.toMatchObject({ codeName: 'CANCELLED' });
      expect(await watch.next()).toEqual({ done: true, value: undefined }); // stopping the map stopped the watch
    });

    it('return() before any iteration cancels a watch that created started', async () => {
      const { options } = transport.options();
      const client = fx.newClient(options);
      const watch = client.watchEvents({ key: `early-return/${transport.name}` });
      await watch.created;
      await within(watch.return(), 3_000, 'return()');
      expect(await watch.next()).toEqual({ done: true, value: undefined });
    });

    it('a watch stopped before it started never starts: created and requestProgress() reject', async () => {
      const { options } = transport.options();
      const client = fx.newClient(options);
      const watch = client.watchEvents({ key: `never/${transport.name}` });
      await watch.return();
      await expect(watch.created).rejects.toMatchObject({ codeName: 'CANCELLED' });
      await expect(watch.requestProgress()).rejects.toMatchObject({ codeName: 'CANCELLED' });
      expect(await watch.next()).toEqual({ done: true, value: undefined });
    });

    it('created rejects with the error that ends a watch before its creation', async () => {
      const { options } = transport.options();
      const client = fx.newClient({ ...options, endpoints: 'http://127.0.0.1:1', retry: { deadlineMs: 300 } });
      const watch = client.watchEvents({ key: `unreachable/${transport.name}` });
      await expect(within(watch.created, 5_000, 'created')).rejects.toThrow();
      await expect(watch.next()).rejects.toThrow();
      expect(watch.status).toBe('disconnected');
    });

    it('requestProgress() answers on an open watch without losing or repeating an event', async () => {
      const instruments = transport.options();
      const client = fx.newClient(instruments.options);
      const prefix = `progress/${transport.name}/`;
      const watch = client.watchEvents({ key: prefix, prefix: true });
      const seen: string[] = [];
      const consumed = (async () => {
        for await (const event of watch) {
          seen.push(text(event.kv?.key));
          if (seen.length === 3) return;
        }
      })();
      await watch.created;
      const opened = transport.opened(instruments);
      const first = await client.kv.put({ key: `${prefix}a`, value: '1' });
      const answered = await within(watch.requestProgress(), 5_000, 'requestProgress');
      // etcd 3.4 answers at once, possibly ahead of the event (not asserted): the server was at least there.
      expect(answered).toBeGreaterThanOrEqual(first.header!.revision);
      await client.kv.put({ key: `${prefix}b`, value: '2' });
      const again = await within(
        Promise.all([watch.requestProgress(), watch.requestProgress()]),
        5_000,
        'two requestProgress',
      );
      expect(again[0]).toBeGreaterThan(answered);
      await client.kv.put({ key: `${prefix}c`, value: '3' });
      await within(consumed, 5_000, 'the watch');
      expect(seen).toEqual([`${prefix}a`, `${prefix}b`, `${prefix}c`]);
      // A shared socket carries the requests; a POST is created again with the request in its body (also for the
      // 'websocket' row on a server whose websocket would leave streams behind: the client takes POST there).
      if (transport.name === 'websocket' && currentServer().websocketCloseEndsStream) expect(transport.opened(instruments)).toBe(opened);
      else expect(transport.opened(instruments)).toBeGreaterThan(opened);
    });

    it('requestProgress() before iterating starts the watch and resolves once it is created', async () => {
      const { options } = transport.options();
      const client = fx.newClient(options);
      const watch = client.watchEvents({ key: `progress-first/${transport.name}` });
      const revision = await within(watch.requestProgress(), 5_000, 'requestProgress');
      expect(revision).toBeGreaterThanOrEqual(await watch.created);
      await watch.return();
    });
  });

  describe.each(WATCH_TRANSPORTS)('status over $name', (transport) => {
    it('reports disconnected while the only member is down and connected when it is back; the watch goes on', async () => {
      const { options } = transport.options();
      // A short retry deadline: a POST re-create gives up on the dead member after 2 s, not the default 10 s.
      const client = fx.newClient({
        ...options,
        watchKeepalive: { intervalMs: 300, timeoutMs: 1_000 },
        retry: { deadlineMs: 2_000 },
      });
      const key = `status/${transport.name}`;
      const changes: string[] = [];
      const watch = client.watchEvents({ key, onStatus: (status) => changes.push(status) });
      const values: string[] = [];
      const consumed = (async () => {
        for await (const event of watch) {
          values.push(text(event.kv?.value));
          if (values.length === 2) return;
        }
      })();
      await watch.created;
      expect(watch.status).toBe('connected');
      await client.kv.put({ key, value: 'before' });
      await eventually(async () => values.length, (n) => n === 1);
      await fx.etcd.kill();
      await eventually(async () => watch.status, (s) => s === 'disconnected', 15_000);
      await fx.etcd.restart();
      await eventually(async () => watch.status, (s) => s === 'connected', 15_000);
      await client.kv.put({ key, value: 'after' });
      await within(consumed, 10_000, 'the watch');
      expect(values).toEqual(['before', 'after']);
      expect(changes).toEqual(['connected', 'disconnected', 'connected']);
    });
  });
});
