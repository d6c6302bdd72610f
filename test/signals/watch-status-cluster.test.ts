// A watch's status on a three-member cluster, over both ways a watch travels: it never reports 'disconnected'
// while a member answers (one member restarted gracefully again and again, answering 408s while it stops), and
// with every member stopped it reports 'disconnected' once creating the watch again has failed on every endpoint
// (one failover round: within the default retry deadline of 10 s, not three rounds), then 'connected' when the
// members are back, with no event lost.
import { describe, expect, it } from 'vitest';
import { describeEtcd } from '../helpers/etcd.js';
import { useCluster } from '../helpers/fixture.js';
import { eventually, sleep, text, within, WATCH_TRANSPORTS } from '../watch/helpers.js';

/** The default retry deadline (10 s) and what a failover round may add to it. */
const ONE_ROUND_MS = 12_000;

describeEtcd('watch status on a three-member cluster', () => {
  const fx = useCluster();

  describe.each(WATCH_TRANSPORTS)('over $name', (transport) => {
    it('stays connected while one member restarts gracefully three times', async () => {
      const stopping = fx.cluster.members[0]!;
      const endpoints = [stopping.url, ...fx.cluster.endpoints.filter((url) => url !== stopping.url)];
      const changes: string[] = [];
      const key = `never-early/${transport.name}`;
      const writer = fx.client(fx.cluster.endpoints.slice(1));
      for (let restart = 0; restart < 3; restart++) {
        // A fresh watch on the member about to stop each time, so each restart cuts it.
        const watcher = fx.client(endpoints, transport.options().options);
        const watch = watcher.watchEvents({ key, onStatus: (status) => changes.push(status) });
        await within(watch.created, 5_000, 'created');
        await stopping.kill('SIGTERM');
        await writer.kv.put({ key, value: `during ${restart}` });
        const next = await within(watch.next(), 15_000, 'the event written while the member was down');
        expect(text(next.value?.kv?.value)).toBe(`during ${restart}`);
        await stopping.restart();
        await watch.return();
      }
      expect(changes.filter((status) => status !== 'connected')).toEqual([]);
    }, 90_000);

    it('reports disconnected within one round once every member is stopped, connected when they are back', async () => {
      const client = fx.client(fx.cluster.endpoints, transport.options().options);
      const writer = fx.client(fx.cluster.endpoints);
      const key = `all-down/${transport.name}`;
      const changes: { status: string; at: number }[] = [];
      const watch = client.watchEvents({ key, onStatus: (status) => changes.push({ status, at: Date.now() }) });
      await within(watch.created, 5_000, 'created');
      const values: string[] = [];
      const consumed = (async () => {
        for await (const event of watch) {
          values.push(text(event.kv?.value));
          if (values.length === 2) return;
        }
      })();
      await writer.kv.put({ key, value: 'before' });
      await eventually(async () => values.length, (n) => n === 1);

      for (const member of fx.cluster.members) await member.kill('SIGKILL');
      const stoppedAt = Date.now();
      await eventually(async () => watch.status, (s) => s === 'disconnected', ONE_ROUND_MS + 5_000);
      const disconnectedAfter = changes.find((c) => c.status === 'disconnected')!.at - stoppedAt;
      expect(disconnectedAfter).toBeLessThanOrEqual(ONE_ROUND_MS);

      await sleep(500);
      await Promise.all(fx.cluster.members.map((m) => m.restart())); // a member is healthy only with a quorum
      await fx.cluster.waitForLeader();
      await eventually(async () => watch.status, (s) => s === 'connected', 15_000);
      await writer.kv.put({ key, value: 'after' });
      await within(consumed, 10_000, 'the watch');
      expect(values).toEqual(['before', 'after']);
      expect(changes.map((c) => c.status)).toEqual(['connected', 'disconnected', 'connected']);
    }, 90_000);
  });
});
