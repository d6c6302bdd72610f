// client.leaseKeeper against a real etcd 3.4.23: kept alive well past its TTL, lost when revoked by someone
// else or when keepalives stop getting through, and no timer left behind once closed.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { processOnly } from '../helpers/fake.js';
import { describeEtcd } from '../helpers/etcd.js';
import { useEtcd, type Client } from '../helpers/fixture.js';
import { repoRoot } from '../helpers/specs.js';
import { sleep } from '../helpers/wait.js';


/** Resolves with the promise's value, or 'pending' if it has not settled within `ms`. */
function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([promise, sleep(ms).then(() => 'pending' as const)]);
}

describeEtcd('leaseKeeper', () => {
  const fx = useEtcd();
  const client = (): Client => fx.newClient();

  it('keeps a 3 s lease alive for 10 s, then fires lost when another client revokes it', async () => {
    const owner = client();
    const keeper = await owner.leaseKeeper({ ttl: 3 });
    expect(typeof keeper.id).toBe('bigint');
    expect(keeper.ttl).toBe(3);
    await owner.kv.put({ key: 'lease/kept', value: 'x', lease: keeper.id });

    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      await sleep(2_000); // a TTL wait: two thirds of the 3 s TTL pass between checks
      const { TTL } = await owner.lease.timeToLive({ ID: keeper.id });
      expect(TTL).toBeGreaterThan(0n); // renewed every second: never near expiry
    }
    expect(keeper.signal.aborted).toBe(false);
    expect((await owner.kv.range({ key: 'lease/kept' })).count).toBe(1n);

    await client().lease.revoke({ ID: keeper.id });
    const lost = await settledWithin(keeper.lost, 4_000);
    expect(lost).toBeInstanceOf(fx.gen.LeaseLostError);
    expect(keeper.signal.aborted).toBe(true);
    expect(keeper.signal.reason).toBe(lost);
    expect((lost as InstanceType<typeof fx.gen.LeaseLostError>).leaseId).toBe(keeper.id);
    expect(String((lost as Error).message)).toMatch(/TTL 0/);
  }, 30_000);

  it('adopts an existing lease by ID and refuses one etcd does not know', async () => {
    const c = client();
    const { ID } = await c.lease.grant({ TTL: 5 });
    const keeper = await c.leaseKeeper({ id: ID.toString() });
    expect(keeper.id).toBe(ID);
    expect(keeper.ttl).toBe(5);
    await keeper.revoke();
    expect(keeper.signal.aborted).toBe(true);
    expect(keeper.signal.reason).toMatchObject({ name: 'AbortError' });
    expect(await settledWithin(keeper.lost, 200)).toBe('pending');
    expect((await c.lease.timeToLive({ ID })).TTL).toBe(-1n); // -1: the lease no longer exists
    await keeper.revoke(); // idempotent

    await expect(c.leaseKeeper({ id: ID })).rejects.toBeInstanceOf(fx.gen.LeaseLostError);
    await expect(c.leaseKeeper({ ttl: 0 })).rejects.toThrow(RangeError);
  });

  it('loses the lease when no keepalive gets through before the TTL runs out (member hung)', async () => {
    const c = client();
    const keeper = await c.leaseKeeper({ ttl: 2 });
    await fx.etcd.kill('SIGSTOP');
    try {
      const lost = await settledWithin(keeper.lost, 5_000);
      expect(lost).toBeInstanceOf(fx.gen.LeaseLostError);
      expect((lost as Error).message).toMatch(/no keepalive succeeded within its TTL of 2 s/);
    } finally {
      await fx.etcd.kill('SIGCONT');
    }
  }, 20_000);

  it.skipIf(processOnly)('close() and revoke() leave no timer behind: a Node process holding a keeper exits on its own', async () => {
    const script = join(import.meta.dirname, 'fixtures/lease-exit.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, fx.etcd.url], {
      cwd: repoRoot,
      timeout: 20_000,
    });
    // execFile kills the child and rejects after 20 s; a keepalive timer left armed would fire only after 30 s.
    expect(JSON.parse(stdout)).toEqual({ closed: true, revoked: true });
  }, 30_000);
});
