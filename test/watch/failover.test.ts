// A watch across a real three-member etcd 3.4.23 cluster moves to another member when its member hangs (SIGSTOP:
// the socket stays up but answers nothing, found dead by progress requests) or dies (SIGKILL), and delivers
// every event once, in revision order.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadClient, type GeneratedModule } from '../helpers/client.js';
import { describeEtcd, startCluster, type EtcdCluster } from '../helpers/etcd.js';
import { eventually, text, within, WATCH_TRANSPORTS, type WatchTransport } from './helpers.js';
import { retrying } from '../helpers/wait.js';

const KEYS = 60;

describeEtcd('watchEvents fails over between the members of a cluster', () => {
  let cluster: EtcdCluster;
  let gen: GeneratedModule;
  beforeAll(async () => {
    [cluster, gen] = await Promise.all([startCluster(3), loadClient()]);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  /** Watches `prefix` through every member (the first first), writing through the others; disturbs the first. */
  async function watchThrough(transport: WatchTransport, prefix: string, disturb: () => Promise<void>) {
    const instruments = transport.options();
    const watcher = gen.createClient({
      endpoints: cluster.endpoints,
      watchKeepalive: { intervalMs: 300, timeoutMs: 1_000 },
      ...instruments.options,
    });
    const writer = gen.createClient({ endpoints: cluster.endpoints.slice(1) });
    const startRevision = ((await writer.kv.range({ key: prefix })).header?.revision ?? 0n) + 1n;
    const seen: { key: string; revision: bigint }[] = [];
    const consumed = (async () => {
      for await (const e of watcher.watchEvents({ key: prefix, prefix: true, startRevision })) {
        seen.push({ key: text(e.kv?.key), revision: e.kv?.modRevision ?? 0n });
        if (seen.length === KEYS) return;
      }
    })();
    const write = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        // Retried while a new leader is being elected; any other error fails the test.
        await retrying(() => writer.kv.put({ key: `${prefix}${String(i).padStart(3, '0')}`, value: 'x' }), gen.isRetriable, {
          intervalMs: 100,
          what: `the put of ${prefix}${i}`,
        });
      }
    };
    await write(0, KEYS / 2);
    await eventually(
      async () => seen.length,
      (n) => n >= KEYS / 2,
    ); // the first half came through member 0
    await disturb();
    await write(KEYS / 2, KEYS);
    await within(consumed, 30_000, 'the watch');
    watcher.close();
    writer.close();
    expect(seen.map((s) => s.key)).toEqual(
      Array.from({ length: KEYS }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`),
    );
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.revision).toBeGreaterThan(seen[i - 1]!.revision);
    return instruments;
  }

  it('a shared websocket to a hung member is found dead and the watch resumes on another member', async () => {
    const websocket = WATCH_TRANSPORTS.find((t) => t.name === 'websocket')!;
    const hung = cluster.members[0]!;
    try {
      const instruments = await watchThrough(websocket, 'hang/', () => hung.kill('SIGSTOP'));
      // While member 0 is still stopped: a second socket, to another member, delivered the second half.
      // (Over POST where the server's websocket would leave streams behind: a watch POST to another member.)
      expect(instruments.ws.sockets + instruments.fetch.count('/watch')).toBeGreaterThanOrEqual(2);
    } finally {
      await hung.kill('SIGCONT');
    }
    await cluster.waitForLeader();
  });

  it.each(WATCH_TRANSPORTS)('a watch on a killed member resumes on another member ($name)', async (transport) => {
    const victim = cluster.members[0]!;
    try {
      const instruments = await watchThrough(transport, `kill-${transport.name}/`, () => victim.kill('SIGKILL'));
      expect(transport.opened(instruments)).toBeGreaterThanOrEqual(2);
    } finally {
      await victim.restart();
    }
    await cluster.waitForLeader();
  });
});
