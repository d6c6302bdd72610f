// What a watch promises on a real etcd 3.4.23, over both transports: compaction is a typed error, a start revision
// at the compaction point still works, revisions too large for one message come split and are put back together,
// an abort lands between revisions (never inside a txn), and the options (prevKv, filters, a byte-key range) reach
// the server.
import { describe, expect, it } from 'vitest';
import { WatchCompactedError, type Event } from '../../generated/index.js';
import { describeEtcd } from '../helpers/etcd.js';
import { useEtcd } from '../helpers/fixture.js';
import { text, within, WATCH_TRANSPORTS } from './helpers.js';

/** The first `n` events of a watch, then stops it (which cancels it). */
async function take(events: AsyncIterable<Event>, n: number): Promise<Event[]> {
  const out: Event[] = [];
  if (n === 0) return out;
  for await (const e of events) {
    out.push(e);
    if (out.length === n) break;
  }
  return out;
}

describeEtcd('watchEvents semantics', () => {
  const fx = useEtcd();

  describe.each(WATCH_TRANSPORTS)('over $name', (transport) => {
    it('a compacted start revision throws WatchCompactedError with the compact revision', async () => {
      const instruments = transport.options();
      const client = fx.gen.createClient({ endpoints: fx.etcd.url, ...instruments.options });
      const key = `compact-${transport.name}`;
      const revisions: bigint[] = [];
      for (let i = 0; i < 5; i++) revisions.push((await client.kv.put({ key, value: `v${i}` })).header?.revision ?? 0n);
      const compactAt = revisions[3]!;
      await client.kv.compact({ revision: compactAt, physical: true });

      const error = await within(
        take(client.watchEvents({ key, startRevision: revisions[0]! }), 1),
        10_000,
        'watch',
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WatchCompactedError);
      expect((error as WatchCompactedError).compactRevision).toBe(compactAt);
      expect((error as WatchCompactedError).codeName).toBe('OUT_OF_RANGE');

      // From the compaction point on, history is still there.
      const kept = await within(take(client.watchEvents({ key, startRevision: compactAt }), 2), 10_000, 'watch');
      expect(kept.map((e) => [e.kv?.modRevision, text(e.kv?.value)])).toEqual([
        [revisions[3], 'v3'],
        [revisions[4], 'v4'],
      ]);
      expect(transport.opened(instruments)).toBeGreaterThan(0);
      client.close();
    });

    it('puts a revision that came in fragments back together, delivering it whole and in order', async () => {
      const instruments = transport.options();
      const client = fx.gen.createClient({ endpoints: fx.etcd.url, ...instruments.options });
      const prefix = `frag-${transport.name}/`;
      const value = 'v'.repeat(100_000);
      // 30 × 100 kB: a deletion of all of them with prevKv is one ~3 MB revision, above the 2 MB a message may hold.
      let first = 0n;
      for (let i = 0; i < 30; i++) {
        const { header } = await client.kv.put({ key: `${prefix}${String(i).padStart(2, '0')}`, value });
        if (i === 0) first = header?.revision ?? 0n;
      }
      const iterator = client.watchEvents({ key: prefix, prefix: true, prevKv: true, startRevision: first });
      const deleted = (async () => {
        // the 30 creations (a catch-up, fragmented too), then the one deletion revision
        const events = await take(iterator, 60);
        return events;
      })();
      const { header } = await client.kv.deleteRange({ key: prefix, rangeEnd: `${prefix.slice(0, -1)}0` });
      const events = await within(deleted, 20_000, 'the watch');
      client.close();

      const puts = events.slice(0, 30);
      const deletes = events.slice(30);
      expect(puts.every((e) => e.type === 'PUT' && e.kv?.value.length === 100_000)).toBe(true);
      expect(deletes.map((e) => e.type)).toEqual(Array(30).fill('DELETE'));
      expect(new Set(deletes.map((e) => e.kv?.modRevision))).toEqual(new Set([header?.revision]));
      expect(deletes.map((e) => text(e.kv?.key))).toEqual(puts.map((e) => text(e.kv?.key)));
      expect(deletes.every((e) => e.prevKv?.value.length === 100_000)).toBe(true);
      // The server did split them: the reassembly was exercised.
      const received = [...instruments.fetch.watchBodies, ...instruments.ws.frames].join(''); // a socket, or a POST on 3.5
      expect(received).toContain('"fragment":true');
    });

    it('an abort after the first event of a txn still delivers the rest of that txn, then ends', async () => {
      const instruments = transport.options();
      const client = fx.gen.createClient({ endpoints: fx.etcd.url, ...instruments.options });
      const prefix = `txn-stop-${transport.name}/`;
      await client.kv.put({ key: `${prefix}c`, value: 'old' });
      const abort = new AbortController();
      const watch = client.watchEvents({ key: prefix, prefix: true, signal: abort.signal });
      await within(watch.created, 10_000, 'created');
      const got: Event[] = [];
      const consumed = (async () => {
        for await (const e of watch) {
          got.push(e);
          abort.abort(); // from the first event on: the loop must still see the whole txn
        }
      })().then(
        () => 'ended',
        (e: unknown) => (e === abort.signal.reason ? 'aborted' : e),
      );
      const { header } = await client.kv.txn({
        success: [
          { requestPut: { key: `${prefix}a`, value: '1' } },
          { requestPut: { key: `${prefix}b`, value: '2' } },
          { requestDeleteRange: { key: `${prefix}c` } },
        ],
      });
      expect(await within(consumed, 10_000, 'the loop')).toBe('aborted');
      client.close();
      expect(got.map((e) => [e.type, text(e.kv?.key), e.kv?.modRevision])).toEqual([
        ['PUT', `${prefix}a`, header?.revision],
        ['PUT', `${prefix}b`, header?.revision],
        ['DELETE', `${prefix}c`, header?.revision],
      ]);
    });

    it('passes filters, prevKv and byte ranges to the server', async () => {
      const instruments = transport.options();
      const client = fx.gen.createClient({ endpoints: fx.etcd.url, ...instruments.options });
      const key = new Uint8Array([0xff, 0x00, transport.name.length]);
      const start = (await client.kv.put({ key, value: 'one' })).header?.revision ?? 0n;
      await client.kv.put({ key, value: 'two' });
      await client.kv.deleteRange({ key });
      const noDeletes = await within(
        take(client.watchEvents({ key, startRevision: start, prevKv: true, filters: ['NODELETE'] }), 2),
        10_000,
        'watch',
      );
      expect(noDeletes.map((e) => [e.type, text(e.kv?.value), text(e.prevKv?.value)])).toEqual([
        ['PUT', 'one', ''],
        ['PUT', 'two', 'one'],
      ]);
      const noPuts = await within(
        take(
          client.watchEvents({ key, rangeEnd: new Uint8Array([0xff, 0x01]), startRevision: start, filters: ['NOPUT'] }),
          1,
        ),
        10_000,
        'watch',
      );
      expect(noPuts.map((e) => [e.type, e.kv?.key])).toEqual([['DELETE', key]]);
      client.close();
    });
  });
});
