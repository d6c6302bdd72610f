// client.leaderElection against a real etcd 3.4.23: one leader at a time, observe sees every change, resign
// hands over to the next candidate, and a lost lease ends leadership.
import { expect, it } from 'vitest';
import { describeEtcd } from '../helpers/etcd.js';
import { useEtcd, type Client } from '../helpers/fixture.js';
import { sleep, until as waitFor, waitFor as poll } from '../helpers/wait.js';


describeEtcd('leaderElection', () => {
  const fx = useEtcd();
  const keysUnder = async (c: Client, prefix: string): Promise<bigint> =>
    (await c.kv.range({ key: prefix, rangeEnd: fx.gen.prefixRangeEnd(prefix), countOnly: true })).count;
  const client = (): Client => fx.newClient();

  it('elects one leader at a time; observe sees each change; resign hands over', async () => {
    const [ca, cb, watcher] = [client(), client(), client()];
    const a = ca.leaderElection('jobs', { ttl: 5 });
    const b = cb.leaderElection('jobs', { ttl: 5 });
    expect(await watcher.leaderElection('jobs').leader()).toBeUndefined();

    const seen: string[] = [];
    const stop = new AbortController();
    const observing = (async () => {
      for await (const leader of watcher.leaderElection('jobs').observe({ signal: stop.signal })) {
        if (leader !== undefined) seen.push(fx.gen.bytesToText(leader.value));
      }
    })().catch((error: unknown) => (stop.signal.aborted ? undefined : Promise.reject(error)));

    const leaders: string[] = [];
    const aWon = await a.campaign('a1');
    leaders.push('a');
    let bWon = false;
    const bCampaign = b.campaign('b1').then((leadership) => {
      bWon = true;
      leaders.push('b');
      return leadership;
    });
    await a.proclaim('a2');
    await poll(async () => (await keysUnder(watcher, 'jobs/')) === 2n, { what: "b's candidate key" });
    await sleep(300); // a quiet period: b must not win while a leads
    expect(bWon).toBe(false); // b waits while a leads
    const current = await watcher.leaderElection('jobs').leader();
    expect(current && fx.gen.bytesToText(current.value)).toBe('a2');
    expect(current?.lease).toBe(aWon.lease);

    await a.resign();
    expect(aWon.signal.aborted).toBe(true);
    const bLeadership = await bCampaign;
    expect(leaders).toEqual(['a', 'b']);
    expect(bLeadership.createRevision).toBeGreaterThan(aWon.createRevision);
    await expect(a.proclaim('too late')).rejects.toThrow(/needs a won campaign/);

    await waitFor(() => seen.length >= 3, 'observe to see a1, a2 and b1');
    expect(seen).toEqual(['a1', 'a2', 'b1']);
    stop.abort();
    await observing;
    await b.resign();
    expect(await watcher.leaderElection('jobs').leader()).toBeUndefined();
  }, 30_000);

  it('ends leadership when its lease is revoked elsewhere, and withdraws an aborted candidacy', async () => {
    const [c, other] = [client(), client()];
    const leader = c.leaderElection('lossy', { ttl: 3 });
    const won = await leader.campaign('only');
    await other.lease.revoke({ ID: won.lease });
    await waitFor(() => won.signal.aborted, 'the leadership signal', 4_000);
    expect(won.signal.reason).toBeInstanceOf(fx.gen.LeaseLostError);
    await expect(leader.proclaim('gone')).rejects.toThrow(/needs a won campaign/);

    const holder = other.leaderElection('queue');
    await holder.campaign('first');
    const gaveUp = new AbortController();
    const pending = c.leaderElection('queue').campaign('second', { signal: gaveUp.signal });
    await poll(async () => (await keysUnder(other, 'queue/')) === 2n, { what: "the waiting candidate's key" });
    gaveUp.abort(new Error('not waiting any more'));
    await expect(pending).rejects.toThrow('not waiting any more');
    await holder.resign();
    await sleep(200); // a quiet period: a wrong takeover by the withdrawn candidate would show by now
    // The withdrawn candidate's key is gone with its lease: nobody took over.
    expect(await other.leaderElection('queue').leader()).toBeUndefined();
  }, 20_000);
});
