// A three-member etcd 3.4.23 cluster over mutual TLS: calls and POST watches move to another member when one is
// killed, and when one hangs (SIGSTOP: sockets open, no answer), found by the liveness probe within 10 s, calls
// without a deadline included; the watch resumes with every event once, in revision order.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadClient, type GeneratedModule } from '../helpers/client.js';
import { describeEtcd, startCluster, type EtcdCluster, type EtcdServer } from '../helpers/etcd.js';
import { makePki, type Pki } from '../helpers/tls.js';
import { eventually, sleep, text, within } from '../watch/helpers.js';

type Client = ReturnType<GeneratedModule['createClient']>;
const KEYS = 40;

describeEtcd('a three-member mTLS cluster with a member killed or hung', () => {
  let cluster: EtcdCluster;
  let gen: GeneratedModule;
  let pki: Pki;
  const clients: Client[] = [];
  beforeAll(async () => {
    pki = makePki();
    [cluster, gen] = await Promise.all([startCluster(3, { tls: pki.server }), loadClient()]);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await cluster?.stop();
  });

  function client(endpoints: readonly string[]): Client {
    const c = gen.createClient({ endpoints: [...endpoints], tls: pki.clientTls, WebSocket: null });
    clients.push(c);
    return c;
  }

  /** A follower first, then the others: the member to disturb need not be the leader (no election in the way). */
  async function followerFirst(): Promise<{ victim: EtcdServer; endpoints: string[] }> {
    const leader = await cluster.waitForLeader();
    const victim = cluster.members.find((m) => m !== leader)!;
    return { victim, endpoints: [victim.url, ...cluster.endpoints.filter((e) => e !== victim.url)] };
  }

  /** Watches `prefix` through `watcher` while `writer` writes KEYS keys, disturbing after half; every event once, in order. */
  async function watchAcross(watcher: Client, writer: Client, prefix: string, disturb: () => Promise<void>): Promise<void> {
    const startRevision = ((await writer.kv.range({ key: prefix })).header?.revision ?? 0n) + 1n;
    const seen: { key: string; revision: bigint }[] = [];
    const consumed = (async () => {
      for await (const e of watcher.watchEvents({ key: prefix, prefix: true, startRevision })) {
        seen.push({ key: text(e.kv?.key), revision: e.kv?.modRevision ?? 0n });
        if (seen.length === KEYS) return;
      }
    })();
    const write = async (from: number, to: number): Promise<void> => {
      for (let i = from; i < to; i++) await writer.kv.put({ key: `${prefix}${String(i).padStart(3, '0')}`, value: 'x' });
    };
    await write(0, KEYS / 2);
    await eventually(async () => seen.length, (n) => n >= KEYS / 2);
    await disturb();
    await write(KEYS / 2, KEYS);
    await within(consumed, 15_000, 'the watch');
    expect(seen.map((s) => s.key)).toEqual(Array.from({ length: KEYS }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`));
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.revision).toBeGreaterThan(seen[i - 1]!.revision);
  }

  it('a killed member: reads, writes and a POST watch go on over TLS on the others', async () => {
    const { victim, endpoints } = await followerFirst();
    const watcher = client(endpoints);
    const writer = client(endpoints.slice(1));
    try {
      await watchAcross(watcher, writer, 'tls-kill/', async () => {
        await victim.kill('SIGKILL');
        expect((await watcher.kv.range({ key: 'tls-kill-read' })).header?.revision).toBeGreaterThan(0n);
        await watcher.kv.put({ key: 'tls-kill-write', value: 'y' }); // refused by the dead member: re-sent elsewhere
      });
      expect((await writer.kv.range({ key: 'tls-kill-write' })).count).toBe(1n);
    } finally {
      await victim.restart();
    }
    await cluster.waitForLeader();
  });

  it('a hung member: calls without a deadline move on within 10 s, and a POST watch resumes with every event once', async () => {
    const { victim, endpoints } = await followerFirst();
    const watcher = client(endpoints);
    const writer = client(endpoints.slice(1));
    const caller = client(endpoints);
    await caller.kv.range({ key: 'warm' }); // the caller's calls start on the victim
    try {
      await watchAcross(watcher, writer, 'tls-hang/', async () => {
        await victim.kill('SIGSTOP');
        await sleep(100); // let the stop take hold before the calls start (no signal from a stopped process)
        const started = Date.now();
        // No deadline on either call: only the probe can free them.
        const read = caller.kv.range({ key: 'tls-hang-read' });
        const write = caller.kv.put({ key: 'tls-hang-write', value: 'z' }).then(
          () => 'applied',
          (error: unknown) => error,
        );
        expect((await within(read, 10_000, 'a read on the hung member')).header?.revision).toBeGreaterThan(0n);
        const wrote = await within(write, 10_000, 'a write on the hung member');
        // Sent to a member that never answered: it may have been applied there, so it is not re-sent elsewhere.
        expect(wrote).toBeInstanceOf(gen.EtcdConnectionError);
        expect(String(wrote)).toMatch(/may have reached the server.*stopped answering/s);
        expect(Date.now() - started).toBeLessThan(10_000);
        // New calls start on another member at once.
        await within(caller.kv.range({ key: 'warm' }), 2_000, 'a call after the hang was found');
      });
    } finally {
      await victim.kill('SIGCONT');
    }
    await cluster.waitForLeader();
  });
});
