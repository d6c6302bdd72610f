// ClientOptions.observe against a real etcd 3.4.23: every call attempt, stream, watch reconnect and
// authentication is reported once, with its operation, endpoint, attempt, duration and outcome.
import { beforeAll, expect, it } from 'vitest';
import type { ClientEvent } from '../../generated/index.js';
import { describeEtcd, etcdctl } from '../helpers/etcd.js';
import { useEtcd } from '../helpers/fixture.js';
import { eventually, within } from '../watch/helpers.js';

const DEAD = 'http://127.0.0.1:1'; // nothing listens: connection refused

function recorder() {
  const events: ClientEvent[] = [];
  return { events, observe: (event: ClientEvent) => void events.push(event), of: (type: string) => events.filter((e) => e.type === type) };
}

describeEtcd('ClientOptions.observe', () => {
  const fx = useEtcd();

  it('reports a call with its endpoint, attempt, duration and outcome', async () => {
    const r = recorder();
    const client = fx.newClient({ observe: r.observe });
    const before = Date.now();
    await client.kv.put({ key: 'hooks/a', value: '1' });
    const [put] = r.of('call').filter((e) => e.operation === 'kv.put');
    expect(put).toMatchObject({ type: 'call', endpoint: fx.etcd.url, attempt: 1, outcome: 'ok', code: 'OK' });
    expect(put!.startTime).toBeGreaterThanOrEqual(before);
    expect(put!.durationMs).toBeGreaterThanOrEqual(0);
    expect(put!.error).toBeUndefined();
  });

  it('reports every attempt of a call that fails over, and an etcd error with its code', async () => {
    const r = recorder();
    const client = fx.newClient({ endpoints: [DEAD, fx.etcd.url], observe: r.observe });
    await client.kv.range({ key: 'hooks/a' });
    const ranges = r.of('call').filter((e) => e.operation === 'kv.range');
    expect(ranges.map((e) => [e.endpoint, e.attempt, e.outcome, e.code])).toEqual([
      [DEAD, 1, 'error', 'UNAVAILABLE'],
      [fx.etcd.url, 2, 'ok', 'OK'],
    ]);
    await expect(client.kv.range({ key: '' })).rejects.toThrow();
    const failed = r.of('call').at(-1)!;
    expect(failed).toMatchObject({ operation: 'kv.range', outcome: 'error', code: 'INVALID_ARGUMENT' });
    expect(failed.error).toBeInstanceOf(fx.gen.EtcdError);
  });

  it('reports a watch stream when it ends, and each reconnect after its member restarted', async () => {
    const r = recorder();
    const client = fx.newClient({ observe: r.observe, WebSocket: null });
    const watch = client.watchEvents({ key: 'hooks/w' });
    await watch.created;
    await fx.etcd.kill();
    await fx.etcd.restart();
    await eventually(async () => r.of('reconnect').some((e) => e.outcome === 'ok'), (ok) => ok, 15_000);
    await watch.return();
    const reconnects = r.of('reconnect');
    expect(reconnects.every((e) => e.operation === 'watch.watch' && e.endpoint === fx.etcd.url)).toBe(true);
    expect(reconnects.map((e) => e.attempt)).toEqual(reconnects.map((_, i) => i + 1)); // counted since the drop
    expect(reconnects.at(-1)!.outcome).toBe('ok');
    expect(reconnects.slice(0, -1).every((e) => e.outcome === 'error')).toBe(true);
    await eventually(async () => r.of('stream').filter((e) => e.operation === 'watch.watch').length, (n) => n >= 2);
    const streams = r.of('stream').filter((e) => e.operation === 'watch.watch');
    expect(streams[0]).toMatchObject({ endpoint: fx.etcd.url, outcome: 'error' }); // broke with the kill
    expect(streams.at(-1)).toMatchObject({ outcome: 'ok', code: 'CANCELLED' }); // stopped by return()
  }, 30_000);
});

describeEtcd('ClientOptions.observe with auth', () => {
  const fx = useEtcd({ authTokenTtl: 2 });
  beforeAll(async () => {
    await etcdctl(['user', 'add', 'root:pw', '--interactive=false'], fx.etcd.url);
    await etcdctl(['user', 'grant-role', 'root', 'root'], fx.etcd.url);
    await etcdctl(['auth', 'enable'], fx.etcd.url);
  });

  it('reports each authentication: the first, and again after the token expired', async () => {
    const r = recorder();
    const client = fx.newClient({ auth: { name: 'root', password: 'pw' }, observe: r.observe });
    await client.kv.range({ key: 'k' });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await within(client.kv.range({ key: 'k' }), 5_000, 'the range after expiry');
    const auths = r.of('authenticate');
    expect(auths.map((e) => [e.operation, e.endpoint, e.outcome])).toEqual([
      ['auth.authenticate', fx.etcd.url, 'ok'],
      ['auth.authenticate', fx.etcd.url, 'ok'],
    ]);
    const ranges = r.of('call').filter((e) => e.operation === 'kv.range');
    expect(ranges.every((e) => e.outcome === 'ok')).toBe(true); // the 401 was absorbed inside the attempt
  }, 20_000);
});
