// ClientOptions.autoSyncIntervalMs against a real three-member etcd 3.4.23 cluster: a client given one member
// learns the others from cluster.memberList, and keeps working on them when that member dies. Off by default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientEvent } from '../../generated/index.js';
import { loadClient, type GeneratedModule } from '../helpers/client.js';
import { describeEtcd, startCluster, type EtcdCluster } from '../helpers/etcd.js';
import { eventually, sleep, waitFor } from '../helpers/wait.js';

describe('autoSyncIntervalMs and observe checks', () => {
  let gen: GeneratedModule;
  beforeAll(async () => {
    gen = await loadClient();
  });
  it('refuses a bad interval, and the options without their layers', () => {
    expect(() => gen.createClient({ endpoints: 'http://127.0.0.1:1', autoSyncIntervalMs: 0 })).toThrow(
      /ClientOptions.autoSyncIntervalMs must be a positive number/,
    );
    expect(() => gen.createTransport({ endpoints: 'http://127.0.0.1:1', autoSyncIntervalMs: 100 })).toThrow(
      /needs autoSyncLayer/,
    );
    expect(() => gen.createTransport({ endpoints: 'http://127.0.0.1:1', observe: () => undefined })).toThrow(
      /needs observeLayer/,
    );
    const transport = gen.createTransport(
      { endpoints: 'http://127.0.0.1:1', autoSyncIntervalMs: 100 },
      { ...gen.autoSyncLayer },
    );
    transport.close();
  });
});

describeEtcd('autoSyncIntervalMs on a three-member cluster', () => {
  let cluster: EtcdCluster;
  let gen: GeneratedModule;
  beforeAll(async () => {
    [cluster, gen] = await Promise.all([startCluster(3), loadClient()]);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('learns every member from one, and fails over to them when that one dies', async () => {
    const first = cluster.members[0]!;
    const events: ClientEvent[] = [];
    const synced = gen.createClient({
      endpoints: first.url,
      autoSyncIntervalMs: 100,
      observe: (event) => void events.push(event),
    });
    const plain = gen.createClient({ endpoints: first.url, timeoutMs: 2_000, retry: { deadlineMs: 2_000 } });
    try {
      expect(synced.transport.endpoints).toEqual([first.url]);
      await eventually(async () => synced.transport.endpoints.length, (n) => n === 3, 5_000);
      expect([...synced.transport.endpoints].sort()).toEqual([...cluster.endpoints].sort());
      const syncs = events.filter((e) => e.type === 'sync');
      expect(syncs[0]).toMatchObject({ operation: 'cluster.memberList', outcome: 'ok' });
      await sleep(300); // a quiet period: a client without the option never syncs
      expect(plain.transport.endpoints).toEqual([first.url]); // off by default
      await synced.kv.put({ key: 'sync/k', value: 'v' });
      await first.kill();
      const { kvs } = await synced.kv.range({ key: 'sync/k' });
      expect(gen.bytesToText(kvs[0]!.value)).toBe('v');
      await expect(plain.kv.range({ key: 'sync/k' })).rejects.toThrow();
      // While the first member is down, syncs go through the others and the list keeps it (it is still a member).
      const syncsBefore = events.filter((e) => e.type === 'sync' && e.outcome === 'ok').length;
      await waitFor(() => events.filter((e) => e.type === 'sync' && e.outcome === 'ok').length > syncsBefore, { what: 'a sync with the member down' });
      expect(synced.transport.endpoints.length).toBe(3);
    } finally {
      synced.close();
      plain.close();
      if (first.pid === undefined) await first.restart();
    }
  }, 40_000);
});
