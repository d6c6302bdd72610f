// Tokens that expire: etcd 3.4.23 with --auth-token-ttl 2. A client idle past the TTL keeps working, for unary
// calls and for streams, by re-authenticating once on `invalid auth token` (concurrent calls share it).
import { beforeAll, expect, it } from 'vitest';
import { describeEtcd, etcdctl } from '../helpers/etcd.js';
import { useEtcd, type Client } from '../helpers/fixture.js';
import { TEST_PASSWORD } from '../helpers/secrets.js';
import { sleep, waitFor } from '../helpers/wait.js';

const PASSWORD = TEST_PASSWORD;

interface Exchange {
  route: string;
  status: number;
}

describeEtcd('auth tokens expiring after 2 s', () => {
  const fx = useEtcd({ authTokenTtl: 2 });
  const log: Exchange[] = [];
  let client: Client;

  beforeAll(async () => {
    await etcdctl(['user', 'add', `root:${PASSWORD}`, '--interactive=false'], fx.etcd.url);
    await etcdctl(['user', 'grant-role', 'root', 'root'], fx.etcd.url);
    await etcdctl(['auth', 'enable'], fx.etcd.url);
    // Records what went over the wire; etcd answers everything.
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      log.push({ route: new URL(String(input)).pathname.replace(/^\/v3/, ''), status: response.status });
      return response;
    };
    client = fx.gen.createClient({ endpoints: fx.etcd.url, auth: { name: 'root', password: PASSWORD }, fetch: recording });
    return () => client.close();
  });

  const exchanges = (from: number): string[] => log.slice(from).map((e) => `${e.route} ${e.status}`);
  /** Makes sure the client holds a token, then lets it expire. */
  const idlePastTtl = async (): Promise<void> => {
    await client.kv.range({ key: 'k', countOnly: true });
    await sleep(3_000); // a TTL wait: past the token's 2 s TTL
  };

  it('keeps unary calls working after idling past the TTL, re-authenticating once', async () => {
    await client.kv.put({ key: 'k', value: 'v1' });
    await idlePastTtl();
    const mark = log.length;
    await client.kv.put({ key: 'k', value: 'v2' });
    // The expired token was really rejected, then replaced: not a token that happened to still be valid.
    expect(exchanges(mark)).toEqual(['/kv/put 401', '/auth/authenticate 200', '/kv/put 200']);
    expect(fx.gen.bytesToText((await client.kv.range({ key: 'k' })).kvs[0]!.value)).toBe('v2');
  }, 15_000);

  it('shares one re-authentication among concurrent calls that all find the token expired', async () => {
    await idlePastTtl();
    const mark = log.length;
    const counts = await Promise.all(Array.from({ length: 5 }, () => client.kv.range({ key: 'k', countOnly: true })));
    expect(counts.map((r) => r.count)).toEqual([1n, 1n, 1n, 1n, 1n]);
    expect(exchanges(mark).filter((e) => e.startsWith('/auth/authenticate'))).toEqual(['/auth/authenticate 200']);
  }, 15_000);

  it('refreshes the token before opening a stream after idling past the TTL', async () => {
    await idlePastTtl();
    const mark = log.length;
    let bytes = 0;
    for await (const blob of client.snapshotBlobs()) bytes += blob.length; // verified snapshot: an admin stream
    expect(bytes).toBeGreaterThan(32);
    expect(exchanges(mark)).toEqual([
      '/maintenance/snapshot 500', // 3.4 answers UNKNOWN "auth: invalid auth token" here
      '/auth/authenticate 200',
      '/maintenance/snapshot 200',
    ]);
  }, 15_000);

  it('takes a lock after idling: v3lock answers an expired token with 500 "invalid auth token", not 401', async () => {
    await idlePastTtl();
    const mark = log.length;
    expect(await client.withLock('after-idle', () => 'locked', { ttl: 5 })).toBe('locked');
    expect(exchanges(mark).filter((e) => e.startsWith('/auth/authenticate'))).toEqual(['/auth/authenticate 200']);

    const lease = await client.lease.grant({ TTL: 10 });
    await sleep(3_000); // now the lock route is the first to find the token expired
    const before = log.length;
    await expect(client.lock.lock({ name: 'direct', lease: lease.ID })).resolves.toBeDefined();
    expect(exchanges(before)).toEqual(['/lock/lock 500', '/auth/authenticate 200', '/lock/lock 200']);
    await client.lease.revoke({ ID: lease.ID });
  }, 20_000);

  it('observes an election after idling: its read and its watch take a fresh token', async () => {
    await idlePastTtl();
    const mark = log.length;
    const stop = new AbortController();
    const values: string[] = [];
    const observing = (async () => {
      for await (const leader of client.leaderElection('idle').observe({ signal: stop.signal })) {
        values.push(leader === undefined ? '(no leader)' : fx.gen.bytesToText(leader.value));
        if (leader !== undefined) stop.abort();
      }
    })().catch((error: unknown) => (stop.signal.aborted ? undefined : Promise.reject(error)));
    await waitFor(() => values.length > 0, { what: 'the first, empty Observe' });
    // Another client campaigns, so nothing but the observer itself can refresh the observer's token.
    const candidate = fx.gen.createClient({ endpoints: fx.etcd.url, auth: { name: 'root', password: PASSWORD } });
    try {
      const campaign = await candidate.leaderElection('idle', { ttl: 5 }).campaign('elected');
      await observing;
      expect(values).toEqual(['(no leader)', 'elected']);
      await candidate.lease.revoke({ ID: campaign.lease });
    } finally {
      candidate.close();
    }
    // Observe reads the candidates' keys (etcd's Observe RPC never says "no leader"): the expired token's 401 on
    // that read is replaced once.
    const reads = exchanges(mark).filter((e) => e.startsWith('/kv/range') || e.startsWith('/auth/'));
    expect(reads.slice(0, 3)).toEqual(['/kv/range 401', '/auth/authenticate 200', '/kv/range 200']);
  }, 20_000);
});

