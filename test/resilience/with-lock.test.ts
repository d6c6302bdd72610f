// client.withLock against a real etcd 3.4.23: mutual exclusion between clients and with `etcdctl lock` (the same
// v3lock/concurrency.Mutex keys), release on throw and abort, and the signal when the lease is lost.
import { once } from 'node:events';
import { expect, it } from 'vitest';
import { processOnly } from '../helpers/fake.js';
import { describeEtcd, spawnEtcdctl } from '../helpers/etcd.js';
import { useEtcd, type Client } from '../helpers/fixture.js';
import { sleep, waitFor as poll } from '../helpers/wait.js';


describeEtcd('withLock', () => {
  const fx = useEtcd();
  const client = (): Client => fx.newClient();

  async function lockKeys(c: Client, name: string): Promise<bigint> {
    return (await c.kv.range({ key: `${name}/`, rangeEnd: fx.gen.prefixRangeEnd(`${name}/`), countOnly: true })).count;
  }

  it('two clients contending for one lock never overlap their critical sections', async () => {
    const [a, b] = [client(), client()];
    await a.kv.put({ key: 'counter', value: '0' });
    let inside: string | undefined;
    const overlaps: string[] = [];
    const owners: string[] = [];
    const worker = async (c: Client, who: string): Promise<void> => {
      for (let i = 0; i < 6; i++) {
        await c.withLock('contended', async (signal) => {
          if (inside !== undefined) overlaps.push(`${who} entered while ${inside} held the lock`);
          inside = who;
          owners.push(who);
          const count = Number(fx.gen.bytesToText((await c.kv.range({ key: 'counter' })).kvs[0]!.value));
          await sleep(40); // a lost update below if the other client got in meanwhile
          await c.kv.put({ key: 'counter', value: String(count + 1) });
          expect(signal.aborted).toBe(false);
          inside = undefined;
        });
      }
    };
    await Promise.all([worker(a, 'a'), worker(b, 'b')]);
    expect(overlaps).toEqual([]);
    expect(fx.gen.bytesToText((await a.kv.range({ key: 'counter' })).kvs[0]!.value)).toBe('12');
    // Both ran concurrently: ownership changed hands, so the lock really was contended.
    expect(owners.filter((o, i) => i > 0 && o !== owners[i - 1]).length).toBeGreaterThan(0);
    expect(await lockKeys(a, 'contended')).toBe(0n);
  }, 30_000);

  it('releases the lock and revokes the lease when fn throws or the caller aborts while waiting', async () => {
    const c = client();
    let lease = 0n;
    const boom = c.withLock('released', (_, lock) => {
      lease = lock.lease;
      throw new Error('boom');
    });
    await expect(boom).rejects.toThrow('boom');
    expect((await c.lease.timeToLive({ ID: lease })).TTL).toBe(-1n);
    expect(await c.withLock('released', () => 'again')).toBe('again');

    let release: () => void = () => undefined;
    const held = c.withLock('released', () => new Promise<void>((resolve) => (release = resolve)));
    await poll(async () => (await lockKeys(c, 'released')) === 1n, { what: "the holder's lock key" });
    const waiting = new AbortController();
    const waiter = c.withLock('released', () => 'never', { signal: waiting.signal });
    await poll(async () => (await lockKeys(c, 'released')) === 2n, { what: "the waiter's lock key" });
    expect(await lockKeys(c, 'released')).toBe(2n); // the holder's key and the waiter's
    waiting.abort(new Error('gave up'));
    await expect(waiter).rejects.toThrow('gave up');
    release();
    await held;
    expect(await lockKeys(c, 'released')).toBe(0n);
  }, 30_000);

  it('aborts fn’s signal and rejects with LeaseLostError when the lease is revoked by someone else', async () => {
    const [c, other] = [client(), client()];
    const run = c.withLock(
      'lost',
      async (signal, lock) => {
        await other.lease.revoke({ ID: lock.lease });
        if (!signal.aborted) await once(signal, 'abort');
        return 'finished anyway';
      },
      { ttl: 3 },
    );
    await expect(run).rejects.toBeInstanceOf(fx.gen.LeaseLostError);
  }, 15_000);

  it.skipIf(processOnly)('excludes `etcdctl lock` and is excluded by it', async () => {
    const c = client();
    const holder = spawnEtcdctl(['lock', 'shared'], fx.etcd.url);
    try {
      await holder.waitForStdout('shared/');
      let entered = false;
      const mine = c.withLock('shared', () => (entered = true));
      await poll(async () => (await lockKeys(c, 'shared')) === 2n, { what: "the client's lock key behind etcdctl's" });
      await sleep(300); // a quiet period: the client must not enter while etcdctl holds the lock
      expect(entered).toBe(false);
      holder.kill('SIGINT'); // etcdctl lock unlocks on SIGINT
      await mine;
      expect(entered).toBe(true);
    } finally {
      await holder.stop();
    }

    const waiter = await c.withLock('shared', async () => {
      const etcdctl = spawnEtcdctl(['lock', 'shared', 'echo', 'etcdctl-has-it'], fx.etcd.url);
      await poll(async () => (await lockKeys(c, 'shared')) === 2n, { what: "etcdctl's lock key behind the client's" });
      await sleep(300); // a quiet period: etcdctl must not run its command while the client holds the lock
      expect(etcdctl.stdoutText()).not.toContain('etcdctl-has-it');
      return etcdctl;
    });
    try {
      await waiter.waitForStdout('etcdctl-has-it');
    } finally {
      await waiter.stop();
    }
  }, 30_000);
});
