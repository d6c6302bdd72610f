/**
 * etcd 3.0- and 3.1-shaped specs (synthesized from 3.2.32 by shapes.ts: rpc only, no cancel_reason, no revision
 * filters, 3.0 without LeaseTimeToLive): their clients have no helper whose service or field is absent, and run
 * against the real etcd 3.4 here (the prefix is read from GET /version).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { currentServer, serverTag } from '../helpers/servers.js';
import { versionClientDir, writeConsumer } from './clients.js';
import { SYNTHESIZED } from './shapes.js';

type Module = typeof import('../../generated/index.js');

/** What fixtures/consumer.ts exports (it is compiled against each client, not with the tests). */
interface Consumer {
  open(endpoint: string): { close(): void };
  everyday(client: { close(): void }): Promise<string[]>;
}

async function load(version: string): Promise<Module> {
  return (await import(/* @vite-ignore */ join(await versionClientDir(version), 'index.ts'))) as Module;
}

describe('what an older spec lacks, its client lacks', () => {
  it('no lock or election helper without v3lock and v3election; the 3.2 client has them', async () => {
    const client = (v: string) => readFileSync(join(v, 'client.ts'), 'utf8');
    for (const version of SYNTHESIZED) {
      const text = client(await versionClientDir(version));
      expect(text, version).not.toMatch(/withLock|leaderElection|createLockService|createElectionService/);
      expect(text, version).toMatch(/get watchEvents\(\)[^]*?createWatchEvents\(/);
      expect(text, version).toMatch(/get leaseKeeper\(\)[^]*?createLeaseKeeperFactory\(/);
    }
    expect(client(await versionClientDir('3.2.32'))).toMatch(/get leaderElection\(\)[^]*?createLeaderElectionFactory\([^]*get withLock\(\)[^]*?createWithLock\(/);
  }, 60_000);

  it('the 3.0 client has no LeaseTimeToLive, the 3.1 client has it; neither has cancel_reason nor the revision filters', async () => {
    const file = async (v: string, name: string) => readFileSync(join(await versionClientDir(v), name), 'utf8');
    expect(await file('3.0.17', 'services.ts')).not.toMatch(/timeToLive/);
    expect(await file('3.1.20', 'services.ts')).toMatch(/timeToLive\(/);
    for (const version of SYNTHESIZED) {
      const models = await file(version, 'models.ts');
      expect(models).not.toMatch(/cancelReason|minModRevision|maxCreateRevision/);
    }
  }, 60_000);
});

describe.each(SYNTHESIZED)(`the etcd %s-shaped client against a real server${serverTag()}`, (version) => {
  let etcd: EtcdServer;
  let gen: Module;
  beforeAll(async () => {
    [etcd, gen] = await Promise.all([startEtcd(), load(version)]);
  }, 60_000);
  afterAll(() => etcd?.stop());

  it('puts, ranges and watches', async () => {
    const client = gen.createClient({ endpoints: etcd.url });
    try {
      const put = await client.kv.put({ key: `older/${version}`, value: 'v1' });
      const range = await client.kv.range({ key: `older/${version}` });
      expect(range.kvs.map((kv) => gen.bytesToText(kv.value))).toEqual(['v1']);
      const events = client.watchEvents({ key: `older/${version}`, startRevision: BigInt(put.header!.revision) + 1n });
      await client.kv.put({ key: `older/${version}`, value: 'v2' });
      const first = await events.next();
      expect(first.done).toBe(false);
      expect(first.value && gen.bytesToText(first.value.kv!.value)).toBe('v2');
      await events.return();
      expect(await client.transport.prefixFor(etcd.url)).toBe('/v3');
    } finally {
      client.close();
    }
  }, 30_000);

  it('runs the consumer code every version compiles (fixtures/consumer.ts)', async () => {
    const consumer = (await import(/* @vite-ignore */ writeConsumer(await versionClientDir(version)))) as Consumer;
    const client = consumer.open(etcd.url);
    try {
      const [value, type, key, members, serverVersion] = await consumer.everyday(client);
      expect([value, type, key, members]).toEqual(['v', 'PUT', 'k', '1']);
      expect(serverVersion).toBe(currentServer().version);
    } finally {
      client.close();
    }
  }, 30_000);
});
