// Election status against a real etcd 3.4.23: observe() names every leader and says "no leader" (undefined) when
// the leader resigns or loses its lease with nobody waiting, and a proclaim() during a pending campaign is
// queued: proclaimed once the campaign is won, before campaign() resolves.
import { expect, it } from 'vitest';
import { describeEtcd } from '../helpers/etcd.js';
import { useEtcd } from '../helpers/fixture.js';
import { eventually, sleep, waitFor, within } from '../helpers/wait.js';

describeEtcd('election status', () => {
  const fx = useEtcd();
  const keysUnder = async (prefix: string): Promise<bigint> =>
    (await fx.client.kv.range({ key: prefix, rangeEnd: fx.gen.prefixRangeEnd(prefix), countOnly: true })).count;
  /** A campaign's key (its value is the campaign's) exists: the candidate waits in line. */
  const candidateWaits = async (prefix: string, value: string): Promise<boolean> =>
    (await fx.client.kv.range({ key: prefix, rangeEnd: fx.gen.prefixRangeEnd(prefix) })).kvs.some((kv) => fx.gen.bytesToText(kv.value) === value);

  /** Observes `name` from a client of its own; `seen` holds each report ('-' for no leader). */
  function observe(name: string) {
    const seen: string[] = [];
    const stop = new AbortController();
    const done = (async () => {
      for await (const leader of fx.newClient().leaderElection(name).observe({ signal: stop.signal })) {
        seen.push(leader === undefined ? '-' : fx.gen.bytesToText(leader.value));
      }
    })().catch((error: unknown) => (stop.signal.aborted ? undefined : Promise.reject(error)));
    const until = (n: number) => eventually(async () => seen.length, (length) => length >= n, 10_000);
    return { seen, until, stop: () => (stop.abort(), done) };
  }

  it('reports no leader first, each leader, and no leader after a resignation and after a revoked lease', async () => {
    const observer = observe('status');
    await observer.until(1);
    const a = fx.newClient().leaderElection('status', { ttl: 5 });
    await a.campaign('a1');
    await observer.until(2);
    await a.proclaim('a2');
    await observer.until(3);
    await a.resign();
    await observer.until(4);
    const b = fx.newClient().leaderElection('status', { ttl: 5 });
    const won = await b.campaign('b1');
    await observer.until(5);
    await fx.client.lease.revoke({ ID: won.lease }); // the lease is lost, not resigned
    await observer.until(6);
    await sleep(200); // a quiet period: no change beyond the expected six is reported
    await observer.stop();
    expect(observer.seen).toEqual(['-', 'a1', 'a2', '-', 'b1', '-']);
  }, 30_000);

  it('reports no leader when the leader lease expires, and a handover names the next leader directly', async () => {
    const observer = observe('expiry');
    await observer.until(1);
    const holder = fx.gen.createClient({ endpoints: fx.etcd.url });
    await holder.leaderElection('expiry', { ttl: 2 }).campaign('first');
    const next = fx.newClient().leaderElection('expiry', { ttl: 5 });
    const nextWon = next.campaign('second');
    await observer.until(2);
    holder.close(); // its keeper stops: the lease expires within its TTL, and the waiting candidate leads
    await within(nextWon, 10_000, 'the next campaign');
    await observer.until(3);
    await next.resign();
    await observer.until(4);
    await observer.stop();
    expect(observer.seen).toEqual(['-', 'first', 'second', '-']);
  }, 30_000);

  it('queues a proclaim() made while the campaign is pending and proclaims it before campaign() resolves', async () => {
    const holder = fx.newClient().leaderElection('queued', { ttl: 5 });
    await holder.campaign('holder');
    const candidate = fx.newClient().leaderElection('queued', { ttl: 5 });
    const campaign = candidate.campaign('c1');
    await waitFor(async () => (await keysUnder('queued/')) === 2n, { what: "the candidate's key, behind the holder's" });
    let proclaimed = false;
    const first = candidate.proclaim('c2');
    const second = candidate.proclaim('c3').then(() => (proclaimed = true));
    await sleep(300); // a quiet period: nothing may be proclaimed while the election is held
    expect(proclaimed).toBe(false); // still waiting for the election
    await holder.resign();
    await within(campaign, 5_000, 'the campaign');
    expect(proclaimed).toBe(true); // proclaimed before the campaign resolved
    await Promise.all([first, second]); // the last value wins; every queued call resolves
    const leader = await fx.client.leaderElection('queued').leader();
    expect(leader && fx.gen.bytesToText(leader.value)).toBe('c3');
    await candidate.resign();
  }, 20_000);

  it('queues a proclaim() made right after campaign(), while the lease is still being granted', async () => {
    const observer = observe('at-once');
    await observer.until(1);
    const candidate = fx.newClient().leaderElection('at-once', { ttl: 5 });
    const campaign = candidate.campaign('c1');
    const proclaimed = candidate.proclaim('c2'); // same tick: no lease yet
    const won = await within(campaign, 5_000, 'the campaign');
    await within(proclaimed, 5_000, 'the queued proclaim');
    const leader = await fx.client.leaderElection('at-once').leader();
    expect(leader && fx.gen.bytesToText(leader.value)).toBe('c2');
    expect(leader?.lease).toBe(won.lease);
    await observer.until(3);
    await candidate.resign();
    await observer.until(4);
    await observer.stop();
    expect(observer.seen).toEqual(['-', 'c1', 'c2', '-']);
  }, 20_000);

  it('withdraws a campaign resigned while its lease is being granted, and revokes that lease', async () => {
    const c = fx.newClient();
    const leases = async () => new Set((await c.lease.leases({})).leases.map((l) => l.ID));
    const before = await leases();
    const candidate = c.leaderElection('resign-at-once', { ttl: 5 });
    const campaign = candidate.campaign('never').catch((error: unknown) => error);
    const queued = candidate.proclaim('neither').catch((error: unknown) => error);
    await candidate.resign();
    expect(String(await campaign)).toMatch(/resigned before the campaign was won/);
    expect(String(await queued)).toMatch(/resigned before the campaign was won/);
    expect(await fx.client.leaderElection('resign-at-once').leader()).toBeUndefined();
    expect([...(await leases())].filter((id) => !before.has(id))).toEqual([]); // the lease granted for it is revoked
    await expect(candidate.proclaim('late')).rejects.toThrow(/needs a won campaign/);
  }, 20_000);

  it('rejects queued proclaims with the reason when the pending campaign is aborted or resigned', async () => {
    const holder = fx.newClient().leaderElection('withdrawn', { ttl: 5 });
    await holder.campaign('holder');
    const aborted = fx.newClient().leaderElection('withdrawn', { ttl: 5 });
    const stop = new AbortController();
    const campaign = aborted.campaign('x', { signal: stop.signal });
    await waitFor(() => candidateWaits('withdrawn/', 'x'), { what: "x's candidate key" });
    const queued = aborted.proclaim('y');
    stop.abort(new Error('gave up'));
    await expect(campaign).rejects.toThrow('gave up');
    await expect(queued).rejects.toThrow('gave up');

    const resigned = fx.newClient().leaderElection('withdrawn', { ttl: 5 });
    const pending = resigned.campaign('z').catch((error: unknown) => error);
    await waitFor(() => candidateWaits('withdrawn/', 'z'), { what: "z's candidate key" });
    const queuedToo = expect(resigned.proclaim('w')).rejects.toThrow(/resigned before the campaign was won/);
    await resigned.resign();
    await queuedToo;
    await pending;
    await holder.resign();
  }, 20_000);
});
