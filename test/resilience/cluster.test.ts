// Failover on a real three-member etcd 3.4.23 cluster: the leader SIGKILLed under load, a stopped member listed
// first, a lease kept alive across the kill, and the fail-fast options once quorum is gone.
import { expect, it } from 'vitest';
import { describeEtcd, type EtcdServer } from '../helpers/etcd.js';
import { useCluster } from '../helpers/fixture.js';
import { sleep, until, waitFor } from '../helpers/wait.js';


describeEtcd('a three-member etcd cluster', () => {
  const fx = useCluster();
  let killed: EtcdServer;
  const client = fx.client;

  it('keeps a lease alive while the member its keepalives went to hangs (SIGSTOP)', async () => {
    const leader = await fx.cluster.waitForLeader();
    const hung = fx.cluster.members.find((m) => m !== leader)!;
    const c = client([hung.url, ...fx.cluster.endpoints.filter((url) => url !== hung.url)]);
    const keeper = await c.leaseKeeper({ ttl: 4 }); // a keepalive every 1.3 s, each attempt cut after 1.3 s
    await hung.kill('SIGSTOP');
    try {
      await sleep(6_000); // a TTL wait: longer than the 4 s TTL, so only keepalives through other members keep it
      expect(keeper.signal.aborted).toBe(false); // the timed-out attempt moved the client to the next member
      expect((await c.lease.timeToLive({ ID: keeper.id })).TTL).toBeGreaterThan(0n);
    } finally {
      await hung.kill('SIGCONT');
    }
    await keeper.revoke();
  }, 30_000);

  it('loses the leader mid-load: reads go on, every acknowledged put is there exactly once', async () => {
    const leader = await fx.cluster.waitForLeader();
    killed = leader;
    // The client starts on the leader, so the kill cuts its current endpoint and forces an election.
    const endpoints = [leader.url, ...fx.cluster.endpoints.filter((url) => url !== leader.url)];
    const c = client(endpoints);
    const keeper = await c.leaseKeeper({ ttl: 10 }); // a keepalive every 3.3 s; an election takes 1-3 s here
    await c.kv.put({ key: 'held', value: 'x', lease: keeper.id });

    const acked: string[] = [];
    const putFailures: unknown[] = [];
    const readFailures: unknown[] = [];
    let readsAfterKill = 0;
    let ackedAtKill = -1;
    let stop = false;
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const key = `load/${w}/${i}`;
        try {
          await c.kv.put({ key, value: String(i) });
          acked.push(key);
        } catch (error) {
          putFailures.push(error);
        }
      }
    };
    const reader = async (): Promise<void> => {
      while (!stop) {
        const killedYet = ackedAtKill >= 0;
        try {
          await c.kv.range({ key: 'load/', rangeEnd: fx.gen.prefixRangeEnd('load/'), countOnly: true });
          if (killedYet) readsAfterKill++;
        } catch (error) {
          readFailures.push(error);
        }
      }
    };
    const load = Promise.all([0, 1, 2, 3].map(writer).concat([reader(), reader()]));
    try {
      await until(() => acked.length >= 150, '150 acknowledged puts', 20_000);
      ackedAtKill = acked.length;
      await leader.kill('SIGKILL');
      await until(() => acked.length >= ackedAtKill + 300 && readsAfterKill >= 20, 'the load to go on', 30_000);
    } finally {
      stop = true;
      await load;
    }

    expect(readFailures).toEqual([]);
    // A put fails only when it may have been applied: cut off in flight (reset by the dying leader) or timed out
    // by a follower during the election (UNAVAILABLE). Either way it is not sent again.
    const maybeApplied = (error: unknown): boolean =>
      (error instanceof fx.gen.EtcdConnectionError && /may have reached the server/.test(error.message)) ||
      (error instanceof fx.gen.EtcdError && error.code === 14);
    expect(putFailures.filter((error) => !maybeApplied(error))).toEqual([]);
    const { kvs } = await c.kv.range({ key: 'load/', rangeEnd: fx.gen.prefixRangeEnd('load/') });
    const versions = new Map(kvs.map((kv) => [fx.gen.bytesToText(kv.key), kv.version]));
    expect(acked.filter((key) => !versions.has(key))).toEqual([]);
    expect([...versions].filter(([, version]) => version !== 1n)).toEqual([]); // no put was applied twice

    // The lease was kept alive through the kill: its keepalives moved to a live member.
    expect(keeper.signal.aborted).toBe(false);
    expect((await c.lease.timeToLive({ ID: keeper.id })).TTL).toBeGreaterThan(0n);
    await keeper.revoke();
  }, 90_000);

  it('sends a write past a stopped member that refuses the connection, exactly once', async () => {
    const live = fx.cluster.endpoints.filter((url) => url !== killed.url);
    const c = client([killed.url, ...live]);
    await c.kv.put({ key: 'refused-first', value: 'x' });
    const { kvs } = await c.kv.range({ key: 'refused-first' });
    expect(kvs[0]?.version).toBe(1n);
  });

  it('without quorum: requireLeader fails fast with "no leader", timeoutMs bounds a hanging read', async () => {
    const survivor = fx.cluster.members.find((m) => m.running && m !== killed)!;
    const other = fx.cluster.members.find((m) => m.running && m !== survivor)!;
    await other.kill('SIGKILL');

    const strict = client([survivor.url], { requireLeader: true, retry: { deadlineMs: 500 } });
    // The survivor notices within an election timeout or two that it has no leader.
    const lastError = await waitFor(
      async () => {
        const error = await strict.kv.range({ key: 'held' }).then(() => undefined, (e: unknown) => e);
        return error instanceof fx.gen.EtcdError && /no leader/.test(error.message) ? error : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 500, what: 'the survivor answering "no leader"' },
    );
    expect(lastError).toBeInstanceOf(fx.gen.EtcdError);
    expect((lastError as InstanceType<typeof fx.gen.EtcdError>).code).toBe(14);
    expect((lastError as Error).message).toMatch(/etcdserver: no leader/);

    const patient = client([survivor.url], { timeoutMs: 1_500 });
    const timedOut = await patient.kv.range({ key: 'held' }).catch((error: unknown) => error);
    expect(timedOut).toBeInstanceOf(fx.gen.EtcdError);
    expect((timedOut as InstanceType<typeof fx.gen.EtcdError>).code).toBe(4); // DEADLINE_EXCEEDED, not a 7 s hang
    // A serializable read needs no quorum and still answers from the survivor.
    expect((await patient.kv.range({ key: 'refused-first', serializable: true })).count).toBe(1n);
  }, 60_000);
});
