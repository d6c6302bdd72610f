// client.mirror on a real three-member etcd 3.4.23 cluster: the mirror (through one member only) stays equal to
// the range of its prefix through writes, that member's restart, and a compaction made while it was down (which
// forces a relist); its change stream rebuilds the same map.
import { expect, it } from 'vitest';
import { describeEtcd } from '../helpers/etcd.js';
import { useCluster } from '../helpers/fixture.js';
import { text, waitFor } from './helpers.js';

describeEtcd('client.mirror on a three-member cluster', () => {
  const fx = useCluster();
  const client = fx.client;

  it('stays equal to its range through writes, a restart and a compaction', async () => {
    const leader = await fx.cluster.waitForLeader();
    const member = fx.cluster.members.find((m) => m !== leader)!;
    const others = fx.cluster.endpoints.filter((url) => url !== member.url);
    const writer = client(others);
    const watcher = client(member.url);
    for (let i = 0; i < 40; i++) await writer.put(`svc/${i}`, `v${i}`);
    await writer.put('svc', 'beside the prefix');

    const mirror = watcher.mirror({ key: 'svc/', prefix: true, pageSize: 6 });
    await mirror.ready;
    const rebuilt = new Map<string, string>(); // from the change stream alone
    const consuming = (async () => {
      for await (const change of mirror) {
        if (change.type === 'put') rebuilt.set(change.key, text(change.kv?.value));
        else rebuilt.delete(change.key);
      }
    })();
    const initial = [...mirror.entries].map(([k, kv]) => [k, text(kv.value)]);
    initial.forEach(([k, v]) => rebuilt.set(k!, v!));

    const state = (m: ReadonlyMap<string, { value: Uint8Array }>): string =>
      JSON.stringify([...m].map(([k, kv]) => [k, text(kv.value)]).sort());
    const settled = async (what: string): Promise<void> => {
      const expected = JSON.stringify([...(await writer.getPrefixText('svc/'))].sort());
      await waitFor(() => state(mirror.entries) === expected, `the mirror to match the range ${what}`, 30_000);
      await waitFor(() => JSON.stringify([...rebuilt].sort()) === expected, `the change stream to match ${what}`, 5_000);
    };
    await settled('at first');
    expect(mirror.entries.size).toBe(40);
    expect(mirror.get('svc/7') && text(mirror.get('svc/7')!.value)).toBe('v7');

    let revision = 0n;
    for (let i = 0; i < 30; i++) revision = await writer.put(`svc/${i % 50}`, `w${i}`);
    for (let i = 0; i < 10; i++) await writer.delete(`svc/${i * 3}`);
    revision = await writer.put('svc/new', 'n');
    await settled('after writes');
    expect(mirror.revision).toBe(revision);

    // The member restarts while writes go on through the others: the watch resumes where it was.
    await member.kill('SIGKILL');
    for (let i = 0; i < 10; i++) await writer.put(`svc/during-restart-${i}`, 'r');
    await member.restart();
    await settled('after a restart');
    expect(mirror.lists).toBe(1);

    // Down again; writes, deletes and a compaction past the mirror's revision: it must list again.
    await member.kill('SIGKILL');
    for (let i = 0; i < 5; i++) await writer.delete(`svc/during-restart-${i}`);
    for (let i = 0; i < 5; i++) await writer.put(`svc/after-compaction-${i}`, 'c');
    const last = await writer.put('svc/1', 'final');
    await writer.kv.compact({ revision: last });
    await member.restart();
    await settled('after a compaction');
    expect(mirror.lists).toBe(2);
    expect(mirror.revision).toBeGreaterThanOrEqual(last);
    expect(mirror.get('svc/1') && text(mirror.get('svc/1')!.value)).toBe('final');
    expect(mirror.get('svc')).toBeUndefined();

    mirror.close();
    await mirror.done;
    await consuming; // the change stream ends with the mirror
  }, 120_000);

  it('mirrors a rangeEnd, feeds every iterator, and stops with its signal', async () => {
    const c = client(fx.cluster.endpoints);
    await c.put('range/a', '1');
    await c.put('range/m', '2');
    await c.put('range/z', 'past the end');
    const stop = new AbortController();
    const mirror = c.mirror({ key: 'range/a', rangeEnd: 'range/n', signal: stop.signal });
    await mirror.ready;
    expect([...mirror.entries.keys()].sort()).toEqual(['range/a', 'range/m']);
    const [one, two] = [mirror[Symbol.asyncIterator](), mirror[Symbol.asyncIterator]()];
    await c.put('range/b', '3');
    await c.put('range/y', 'outside');
    expect((await one.next()).value?.key).toBe('range/b');
    expect((await two.next()).value?.key).toBe('range/b');
    const pending = one.next();
    stop.abort();
    await mirror.done;
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(mirror.get('range/y')).toBeUndefined();

    const early = c.mirror({ key: 'range/', prefix: true });
    early.close();
    await expect(early.ready).rejects.toThrow(/closed|stopped/);
    await early.done;
  });
});
